import Foundation

/// Starts child processes for the tests (see `ChildProcess` for why not Foundation's `Process`).
public enum ProcessLaunch {
    /// Runs `process`.
    public static func run(_ process: ChildProcess) throws {
        try process.run()
    }
}
