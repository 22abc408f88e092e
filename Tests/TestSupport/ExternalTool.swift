import Foundation

/// Runs programs the tests use as independent peers (gzip, zstd, promtool, prometheus).
public enum ExternalTool {
    /// The absolute path of `name` on PATH (plus /usr/sbin and /usr/bin), or nil.
    public static func find(_ name: String) -> String? {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/bin:/usr/sbin:/usr/local/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// True under CI, where a missing tool must fail the test instead of skipping it.
    public static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// `bytes` compressed by the system `gzip`, an implementation independent of ours.
    public static func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
        guard let gzip = find("gzip") else { throw ToolError(description: "gzip not installed") }
        let result = try run(gzip, ["-c"], input: bytes)
        guard result.status == 0 else { throw ToolError(description: "gzip failed: \(result.stderr)") }
        return result.stdout
    }

    /// `gzip` for async tests: compressing megabytes through a child process takes seconds in
    /// a debug build, which must not hold one of the Swift pool's threads.
    public static func gzip(_ bytes: [UInt8]) async throws -> [UInt8] {
        try await blocking { try gzip(bytes) }
    }

    /// `bytes` compressed by the system `zstd` tool (Debian's, over the reference library),
    /// with its `arguments` (a level, `--long=27`).
    public static func zstd(_ bytes: [UInt8], _ arguments: [String] = []) throws -> [UInt8] {
        guard let zstd = find("zstd") else { throw ToolError(description: "zstd not installed") }
        let result = try run(zstd, ["-c", "-q"] + arguments, input: bytes)
        guard result.status == 0 else { throw ToolError(description: "zstd failed: \(result.stderr)") }
        return result.stdout
    }

    /// A peer tool that is missing or failed.
    public struct ToolError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Runs `executable` with `arguments`, feeding `input` on stdin; returns exit status and
    /// outputs. A program still running after `timeoutSeconds` is killed, so a regression that
    /// makes it hang (a server that should have refused its flags) fails the test instead of
    /// stalling the suite. `environment` entries are added to this process's environment.
    public static func run(
        _ executable: String, _ arguments: [String], input: [UInt8] = [], environment: [String: String] = [:],
        workingDirectory: String? = nil, timeoutSeconds: Double = 120
    ) throws -> (status: Int32, stdout: [UInt8], stderr: String) {
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let workingDirectory { process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory) }
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let pid = process.processIdentifier
        DispatchQueue.global().asyncAfter(deadline: .now() + timeoutSeconds) { [process] in
            if process.isRunning { kill(pid, SIGKILL) }
        }
        let writer = Thread {
            stdin.fileHandleForWriting.write(Data(input))
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let errorReader = ErrorCollector(stderr.fileHandleForReading)
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, Array(output), errorReader.finish())
    }
}

/// Reads a pipe on its own thread so a chatty stderr cannot block the child.
private final class ErrorCollector: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread {
            self.data = handle.readDataToEndOfFile()
            self.done.signal()
        }.start()
    }

    func finish() -> String {
        done.wait()
        return String(decoding: data, as: UTF8.self)
    }
}

extension ExternalTool {
    /// `run` for async tests: the wait happens on its own thread, never on the Swift pool,
    /// whose two threads the in-process servers of other tests need. In an async context
    /// Swift picks this overload, so a test cannot hold a pool thread by accident.
    public static func run(
        _ executable: String, _ arguments: [String], input: [UInt8] = [], environment: [String: String] = [:],
        workingDirectory: String? = nil, timeoutSeconds: Double = 120
    ) async throws -> (status: Int32, stdout: [UInt8], stderr: String) {
        try await blocking {
            try run(
                executable, arguments, input: input, environment: environment, workingDirectory: workingDirectory,
                timeoutSeconds: timeoutSeconds)
        }
    }
}
