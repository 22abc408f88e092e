import Dispatch
import Foundation
import GRDB

/// SQLite's write lock on a service's database, held from another connection so that the
/// storage writer waits and what it was given stays in flight until `release()`.
struct SQLiteWriteLock: Sendable {
    private let released: DispatchSemaphore

    /// Takes the lock on the database under `storage`; returns once it is held.
    ///
    /// - Throws: SQLite's error when the lock cannot be had within ten seconds (the service's
    ///   own connections take it briefly too).
    static func take(storage: String) async throws -> SQLiteWriteLock {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        let blocker = try DatabaseQueue(path: storage + "/telemetry.sqlite", configuration: configuration)
        let released = DispatchSemaphore(value: 0)
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            Thread {
                var locked = false
                do {
                    try blocker.writeWithoutTransaction { db in
                        try db.execute(sql: "BEGIN IMMEDIATE")
                        locked = true
                        continuation.resume()
                        released.wait()
                        try db.execute(sql: "COMMIT")
                    }
                } catch {
                    // Before, a failed BEGIN was ignored and the caller waited forever.
                    if !locked { continuation.resume(throwing: error) }
                }
            }.start()
        }
        return SQLiteWriteLock(released: released)
    }

    /// Lets the writer go on.
    func release() {
        released.signal()
    }
}
