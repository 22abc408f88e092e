import Foundation
import OTLP
import TestSupport
import Testing

@Suite("telemetryd command line")
struct CommandLineTests {
    @Test func badFlagsAndConfigExitWith2AndNameTheProblem() async throws {
        let binary = try telemetrydBinary()
        let badAddress = try await ExternalTool.run(binary, ["serve", "--web.listen-address", "nowhere"])
        #expect(badAddress.status == 2)
        #expect(badAddress.stderr.contains("--web.listen-address: invalid listen address \"nowhere\""))
        let badSize = try await ExternalTool.run(binary, ["serve", "--storage.retention.size", "lots"])
        #expect(badSize.status == 2)
        #expect(badSize.stderr.contains("--storage.retention.size: invalid size \"lots\""))
        let badEndpoint = try await ExternalTool.run(binary, ["serve", "--forward.endpoint", "ftp://x"])
        #expect(badEndpoint.status == 2)
        #expect(badEndpoint.stderr.contains("--forward.endpoint: invalid endpoint \"ftp://x\""))
        let unknownFlag = try await ExternalTool.run(binary, ["serve", "--storage.pth", "x"])
        #expect(unknownFlag.status == 2)
        #expect(unknownFlag.stderr.contains("--storage.pth"))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).yml").path
        try "log:\n  level: info\nweb:\n  connection_timeout: soon\n".write(toFile: file, atomically: true, encoding: .utf8)
        let check = try await ExternalTool.run(binary, ["check", "config", file])
        #expect(check.status == 2)
        #expect(check.stderr.contains("\(file):4:23: web.connection_timeout: invalid duration \"soon\""))
        let serve = try await ExternalTool.run(binary, ["serve", "--config.file", file])
        #expect(serve.status == 2)
        #expect(serve.stderr.contains("\(file):4:23"))
    }

    @Test func checkConfigAcceptsAValidFile() async throws {
        let binary = try telemetrydBinary()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("good-\(UUID().uuidString).yml").path
        try "web:\n  listen_address: 127.0.0.1:0\n".write(toFile: file, atomically: true, encoding: .utf8)
        let check = try await ExternalTool.run(binary, ["check", "config", file])
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
