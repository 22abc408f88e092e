import Foundation

/// Why a built product or a launched `telemetryd` is not usable.
public struct TelemetrydLaunchError: Error, CustomStringConvertible {
    public let description: String
}

/// The built `telemetryd` next to the test bundle.
public func telemetrydBinary() throws -> String {
    try builtProduct("telemetryd")
}

/// The built executable product `name` next to the test bundle.
public func builtProduct(_ name: String) throws -> String {
    let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    var candidate = directory.appendingPathComponent(name).path
    if !FileManager.default.isExecutableFile(atPath: candidate) {
        // Swift Testing may run from inside the .xctest bundle directory.
        candidate = directory.deletingLastPathComponent().appendingPathComponent(name).path
    }
    guard FileManager.default.isExecutableFile(atPath: candidate) else {
        throw TelemetrydLaunchError(description: "\(name) not built at \(candidate)")
    }
    return candidate
}

/// Starts `telemetryd serve` on an ephemeral port (port 0 keeps parallel tests apart) and
/// returns it with the port its startup log line names. `config` becomes its configuration
/// file. A server in its own process is also the way to time it: tests in this process
/// share one Swift concurrency pool, which a busy neighbour can hold. The OTLP/gRPC listener is
/// off unless `arguments` asks for it.
public func launchTelemetryd(storage: String, config: String? = nil, arguments: [String] = []) async throws -> (ChildProcess, UInt16) {
    let process = ChildProcess()
    process.executableURL = URL(fileURLWithPath: try telemetrydBinary())
    process.arguments = ["serve", "--web.listen-address", "127.0.0.1:0", "--storage.path", storage]
        + (arguments.contains("--otlp.grpc.listen-address") ? [] : ["--otlp.grpc.listen-address", ""]) + arguments
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
        throw TelemetrydLaunchError(description: "telemetryd exited before starting: \(seen)")
    }
    return (process, port)
}
