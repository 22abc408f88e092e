import Dispatch
import Foundation
import GRDB
import TestSupport

/// SQLite's write lock on a service's database, held from another connection so that the
/// storage writer waits and what it was given stays in flight until `release()`.
struct SQLiteWriteLock: Sendable {
    private let released: DispatchSemaphore

    /// Takes the lock on the database under `storage`; returns once it is held.
    static func take(storage: String) async throws -> SQLiteWriteLock {
        let blocker = try DatabaseQueue(path: storage + "/telemetry.sqlite")
        let locked = DispatchSemaphore(value: 0)
        let released = DispatchSemaphore(value: 0)
        Thread {
            try? blocker.writeWithoutTransaction { db in
                try db.execute(sql: "BEGIN IMMEDIATE")
                locked.signal()
                released.wait()
                try db.execute(sql: "COMMIT")
            }
        }.start()
        try await blocking { locked.wait() }
        return SQLiteWriteLock(released: released)
    }

    /// Lets the writer go on.
    func release() {
        released.signal()
    }
}
