import Foundation
import OTLP
import TestSupport
import Testing

/// The built `telemetryd` next to the test bundle.
func telemetrydBinary() throws -> String {
    builtProduct("telemetryd")
}

/// The built executable product `name` next to the test bundle.
func builtProduct(_ name: String) -> String {
    let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    var candidate = directory.appendingPathComponent(name).path
    if !FileManager.default.isExecutableFile(atPath: candidate) {
        // Swift Testing may run from inside the .xctest bundle directory.
        candidate = directory.deletingLastPathComponent().appendingPathComponent(name).path
    }
    #expect(FileManager.default.isExecutableFile(atPath: candidate), "\(name) not built at \(candidate)")
    return candidate
}

@Suite("telemetryd command line")
struct CommandLineTests {
    @Test func badFlagsAndConfigExitWith2AndNameTheProblem() throws {
        let binary = try telemetrydBinary()
        let badAddress = try ExternalTool.run(binary, ["serve", "--web.listen-address", "nowhere"])
        #expect(badAddress.status == 2)
        #expect(badAddress.stderr.contains("--web.listen-address: invalid listen address \"nowhere\""))
        let badSize = try ExternalTool.run(binary, ["serve", "--storage.retention.size", "lots"])
        #expect(badSize.status == 2)
        #expect(badSize.stderr.contains("--storage.retention.size: invalid size \"lots\""))
        let badEndpoint = try ExternalTool.run(binary, ["serve", "--forward.endpoint", "ftp://x"])
        #expect(badEndpoint.status == 2)
        #expect(badEndpoint.stderr.contains("--forward.endpoint: invalid endpoint \"ftp://x\""))
        let unknownFlag = try ExternalTool.run(binary, ["serve", "--storage.pth", "x"])
        #expect(unknownFlag.status == 2)
        #expect(unknownFlag.stderr.contains("--storage.pth"))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).yml").path
        try "log:\n  level: info\nweb:\n  connection_timeout: soon\n".write(toFile: file, atomically: true, encoding: .utf8)
        let check = try ExternalTool.run(binary, ["check", "config", file])
        #expect(check.status == 2)
        #expect(check.stderr.contains("\(file):4:23: web.connection_timeout: invalid duration \"soon\""))
        let serve = try ExternalTool.run(binary, ["serve", "--config.file", file])
        #expect(serve.status == 2)
        #expect(serve.stderr.contains("\(file):4:23"))
    }

    @Test func checkConfigAcceptsAValidFile() throws {
        let binary = try telemetrydBinary()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("good-\(UUID().uuidString).yml").path
        try "web:\n  listen_address: 127.0.0.1:0\n".write(toFile: file, atomically: true, encoding: .utf8)
        let check = try ExternalTool.run(binary, ["check", "config", file])
        #expect(check.status == 0)
        #expect(String(decoding: check.stdout, as: UTF8.self).hasPrefix("SUCCESS"))
    }

    @Test func sigtermStopsTheServerGracefully() async throws {
        let storage = FileManager.default.temporaryDirectory.appendingPathComponent("sig-\(UUID().uuidString)").path
        let (process, port) = try await launchTelemetryd(storage: storage)
        let ready = try await blocking { try RawHTTPClient(port: port).send("GET", "/-/ready") }
        #expect(ready.status == 200)
        process.terminate()  // SIGTERM
        try await blocking { process.waitUntilExit() }
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
    }

    @Test func acknowledgedDataSurvivesKill9() async throws {
        let storage = FileManager.default.temporaryDirectory.appendingPathComponent("kill-\(UUID().uuidString)").path
        let (first, port) = try await launchTelemetryd(storage: storage)
        let traceID = randomTraceID()
        var extra: [Opentelemetry_Proto_Trace_V1_Span] = []
        for index in 0..<510 {
            var span = Opentelemetry_Proto_Trace_V1_Span()
            span.traceID = Data(Hex.decode(traceID) ?? [])
            span.spanID = Data([9, 9, 0, 0, 0, 0, UInt8(index >> 8), UInt8(index & 0xff)])
            span.parentSpanID = Data(Hex.decode("1111111111111111") ?? [])
            span.name = "step \(index)"
            extra.append(span)
        }
        let body = Array(try traceRequest(traceID: traceID, extraSpans: extra).serializedData())
        let posted = try await blocking {
            try RawHTTPClient(port: port).send(
                "POST", "/v1/traces", headers: [("Content-Type", "application/x-protobuf")], body: body)
        }
        #expect(posted.status == 200)
        kill(first.processIdentifier, SIGKILL)
        try await blocking { first.waitUntilExit() }
        #expect(first.terminationReason == .uncaughtSignal)
        let (second, newPort) = try await launchTelemetryd(storage: storage)
        let trace = try await blocking { try RawHTTPClient(port: newPort).send("GET", "/api/traces/\(traceID)") }
        #expect(trace.status == 200)
        #expect((try json(trace)["spans"] as? [[String: Any]])?.count == 512)
        second.terminate()
        try await blocking { second.waitUntilExit() }
    }
}

/// Starts `telemetryd serve` on an ephemeral port (port 0 keeps parallel tests apart) and
/// returns it with the port its startup log line names. `config` becomes its configuration
/// file. A server in its own process is also the way to time it: tests in this process
/// share one Swift concurrency pool, which a busy neighbour can hold.
func launchTelemetryd(storage: String, config: String? = nil) async throws -> (Process, UInt16) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try telemetrydBinary())
    process.arguments = ["serve", "--web.listen-address", "127.0.0.1:0", "--storage.path", storage]
    if let config {
        let file = storage + ".yml"
        try config.write(toFile: file, atomically: true, encoding: .utf8)
        process.arguments? += ["--config.file", file]
    }
    let stderr = Pipe()
    process.standardError = stderr
    try process.run()
    let port = try await blocking { () throws -> UInt16 in
        var seen = ""
        while let chunk = try stderr.fileHandleForReading.read(upToCount: 1), !chunk.isEmpty {
            seen += String(decoding: chunk, as: UTF8.self)
            if seen.hasSuffix("\n"), let range = seen.range(of: "telemetryd started"),
                let match = seen[..<range.lowerBound].range(of: #"127\.0\.0\.1:(\d+)"#, options: .regularExpression)
            {
                return UInt16(seen[match].split(separator: ":")[1]) ?? 0
            }
        }
        return 0
    }
    #expect(port != 0)
    return (process, port)
}
