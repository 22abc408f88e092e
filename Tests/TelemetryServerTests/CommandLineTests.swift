import Foundation
import TestSupport
import Testing

/// The built `telemetryd` next to the test bundle.
func telemetrydBinary() throws -> String {
    let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    var candidate = directory.appendingPathComponent("telemetryd").path
    if !FileManager.default.isExecutableFile(atPath: candidate) {
        // Swift Testing may run from inside the .xctest bundle directory.
        candidate = directory.deletingLastPathComponent().appendingPathComponent("telemetryd").path
    }
    #expect(FileManager.default.isExecutableFile(atPath: candidate), "telemetryd not built at \(candidate)")
    return candidate
}

@Suite("telemetryd command line")
struct CommandLineTests {
    @Test func badFlagsAndConfigExitWith2AndNameTheProblem() throws {
        let binary = try telemetrydBinary()
        let badAddress = try ExternalTool.run(binary, ["serve", "--web.listen-address", "nowhere"])
        #expect(badAddress.status == 2)
        #expect(badAddress.stderr.contains("--web.listen-address: invalid listen address \"nowhere\""))
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
        let binary = try telemetrydBinary()
        let storage = FileManager.default.temporaryDirectory.appendingPathComponent("sig-\(UUID().uuidString)").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        // Port 0 keeps parallel tests apart; the log line tells the bound port.
        process.arguments = ["serve", "--web.listen-address", "127.0.0.1:0", "--storage.path", storage]
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
        let ready = try await blocking { try RawHTTPClient(port: port).send("GET", "/-/ready") }
        #expect(ready.status == 200)
        process.terminate()  // SIGTERM
        try await blocking { process.waitUntilExit() }
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
    }
}
