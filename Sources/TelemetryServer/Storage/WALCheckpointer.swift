import Foundation
import HTTPServer
import GRDB
import GRDBSQLite
import Synchronization

/// Copies the write-ahead log back into the database file on a thread and connection of its
/// own, so that the storage writer's thread only appends to the log.
///
/// SQLite's automatic checkpoint runs inside the commit that crosses its threshold, on the
/// committing thread: with spans of random trace ids each commit dirties about one page of
/// the trace index per span, and writing those pages into the database file (`pwrite`,
/// `fdatasync`) took a third of the server's CPU, all of it on the writer, the thread every
/// ingest request waits for. Here a hook on the writer's connection (`sqlite3_wal_hook`,
/// which replaces the automatic checkpoint) asks this thread for a passive checkpoint after
/// each commit once the log holds `pagesBeforeCheckpoint` pages; the checkpoint copies what
/// is committed while the writer goes on.
///
/// A passive checkpoint never waits, so under a steady stream of commits it ends a little
/// behind the log's end, and SQLite starts the log from its beginning again only once a
/// checkpoint has copied all of it. So when the log reaches `pagesBeforeRestart` the writer's
/// own connection checkpoints what is left (the pages since this thread's last pass, little
/// when it keeps up), and the next transaction starts the log anew. The log stays within
/// about that size.
final class WALCheckpointer: Sendable {
    /// Log pages after a commit from which a checkpoint is asked for.
    let pagesBeforeCheckpoint: Int32
    /// Log pages from which the writer's connection finishes the checkpoint itself.
    let pagesBeforeRestart: Int32

    private let connection: DatabaseQueue
    private let writer: DatabasePool
    /// The writer connection's automatic checkpoint threshold before the hook replaced it,
    /// put back by `stop()`.
    private let automaticCheckpointPages: Int32
    private let requested = Atomic<Bool>(false)
    private let stopped = Atomic<Bool>(false)
    private let wakeUp = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    /// Checkpoints this thread has run (read by tests).
    private let passes = Atomic<Int>(0)

    /// Starts the thread and installs the hook on `database`'s writer connection.
    init(database: TelemetryDatabase, pagesBeforeCheckpoint: Int32, pagesBeforeRestart: Int32) throws {
        self.pagesBeforeCheckpoint = pagesBeforeCheckpoint
        self.pagesBeforeRestart = pagesBeforeRestart
        var configuration = Configuration()
        configuration.label = "telemetryd-checkpoint"
        connection = try DatabaseQueue(path: database.path, configuration: configuration)
        let pool = database.pool
        writer = pool
        automaticCheckpointPages = try pool.writeWithoutTransaction { db in
            Int32(try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") ?? 1000)
        }
        Thread { [self] in
            ThreadName.setCurrent("wal-checkpoint")
            run()
        }.start()
        // Retained by the hook until `stop()` removes it.
        let context = Unmanaged.passRetained(self).toOpaque()
        writer.writeWithoutTransaction { db in
            _ = sqlite3_wal_hook(db.sqliteConnection, walHook, context)
        }
    }

    /// Checkpoints run by this thread so far.
    var checkpoints: Int { passes.load(ordering: .relaxed) }

    /// Removes the hook (the writer's connection checkpoints on its own again) and stops the
    /// thread. Call once, after the last write.
    func stop() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let pages = automaticCheckpointPages
        let context = writer.writeWithoutTransaction { db in
            let context = sqlite3_wal_hook(db.sqliteConnection, nil, nil)
            // Installs SQLite's own hook again, which the line above removed.
            _ = sqlite3_wal_autocheckpoint(db.sqliteConnection, pages)
            return context
        }
        wakeUp.signal()
        finished.wait()
        if let context { Unmanaged<WALCheckpointer>.fromOpaque(context).release() }
    }

    /// Called by the hook on the writer's thread: wakes this thread unless a pass is already due.
    fileprivate func request() {
        guard !requested.exchange(true, ordering: .acquiringAndReleasing) else { return }
        wakeUp.signal()
    }

    private func run() {
        while true {
            wakeUp.wait()
            if stopped.load(ordering: .acquiring) { break }
            requested.store(false, ordering: .releasing)
            // A checkpoint that fails (the database closing, a disk error) is retried after
            // the next commit; the writer's connection finishes one at `pagesBeforeRestart`.
            _ = try? connection.writeWithoutTransaction { db in try db.checkpoint(.passive) }
            passes.add(1, ordering: .relaxed)
        }
        finished.signal()
    }
}

/// Runs on the writer's thread after each commit, with the pages now in the log.
private func walHook(
    context: UnsafeMutableRawPointer?, connection: OpaquePointer?, name: UnsafePointer<CChar>?, pages: Int32
) -> Int32 {
    guard let context else { return SQLITE_OK }
    let checkpointer = Unmanaged<WALCheckpointer>.fromOpaque(context).takeUnretainedValue()
    if pages >= checkpointer.pagesBeforeRestart {
        // Busy (the checkpoint thread is mid-pass) is fine: the next commit tries again.
        _ = sqlite3_wal_checkpoint_v2(connection, name, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
    } else if pages >= checkpointer.pagesBeforeCheckpoint {
        checkpointer.request()
    }
    return SQLITE_OK
}
