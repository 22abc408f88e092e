import Foundation

/// Runs a Python peer script from Tests/Interop/Peers with the interpreter on PATH.
public enum PythonPeer {
    /// The directory of the peer scripts, found from this source file's location.
    public static var directory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Interop/Peers").path
    }

    /// Whether python3 can import `module` (the PyPI package the peer needs).
    public static func canImport(_ module: String) -> Bool {
        guard let python = ExternalTool.find("python3"),
            let result = try? ExternalTool.run(python, ["-c", "import \(module)"])
        else { return false }
        return result.status == 0
    }

    /// Runs `script` with `arguments`, feeding `input`; returns stdout, or throws with stderr.
    public static func run(_ script: String, _ arguments: [String], input: [UInt8] = []) throws -> [UInt8] {
        guard let python = ExternalTool.find("python3") else { throw PeerError(description: "python3 not found") }
        let result = try ExternalTool.run(python, ["\(directory)/\(script)"] + arguments, input: input)
        guard result.status == 0 else {
            throw PeerError(description: "\(script) \(arguments.joined(separator: " ")) failed: \(result.stderr)")
        }
        return result.stdout
    }

    /// `run` for async tests, waited for on its own thread (see `ExternalTool.run`).
    public static func run(_ script: String, _ arguments: [String], input: [UInt8] = []) async throws -> [UInt8] {
        try await blocking { try run(script, arguments, input: input) }
    }

    public struct PeerError: Error, CustomStringConvertible {
        public let description: String
    }
}
