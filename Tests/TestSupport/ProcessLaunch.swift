import Foundation
import Synchronization

/// Starts child processes one at a time. Foundation's `Process.run()` on Linux is not safe to
/// call from several threads at once (a crash in its memcpy was seen with tests spawning
/// peers in parallel), so every test launches through this lock.
public enum ProcessLaunch {
    private static let lock = Mutex<Void>(())

    /// Runs `process`, serialized with every other launch.
    public static func run(_ process: Process) throws {
        try lock.withLock { _ in try process.run() }
    }
}
