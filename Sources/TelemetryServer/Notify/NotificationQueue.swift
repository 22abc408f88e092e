import Foundation
import GRDB
import Synchronization

/// The durable notification queue, the `notifications` table: a notification is committed
/// before anything sends it and deleted only after its destination answered 2xx (or refused it
/// for good, or it grew older than the configured age). Each destination reads its rows in
/// insertion order, so a resolved alert never overtakes its firing one, and a restart (even
/// `kill -9`) resumes where sending stopped.
final class NotificationQueue: Sendable {
    /// A queued notification.
    struct Entry: Sendable {
        let id: Int64
        let body: [UInt8]
        let createdAt: Int64
    }

    private let database: TelemetryDatabase
    private let writer: StorageWriter
    /// Per destination: a sender waiting for rows, or rows committed while none waited.
    private enum Signal {
        case waiting(AsyncStream<Void>.Continuation)
        case signalled
    }

    private let signals = Mutex<[String: Signal]>([:])
    /// Rows committed and not yet deleted: counted, not scanned, so a long outage's backlog
    /// costs no reads.
    private let length: Atomic<Int>

    init(database: TelemetryDatabase, writer: StorageWriter) throws {
        self.database = database
        self.writer = writer
        length = Atomic(try database.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM notifications") ?? 0 })
    }

    /// Writes notifications inside a storage batch (so they commit together with the alert
    /// state or notification log that records them as sent).
    static func insert(_ items: [(destination: String, body: [UInt8])], at now: Int64, in db: Database) throws {
        let statement = try db.cachedStatement(sql: "INSERT INTO notifications (destination, body, created_at) VALUES (?, ?, ?)")
        for item in items { try statement.execute(arguments: [item.destination, Data(item.body), now]) }
    }

    /// Queues a storage batch that writes `count` notifications (and whatever else it writes);
    /// wakes the destinations' senders once it is committed.
    func enqueue(_ batch: StorageBatch, count: Int, destinations: Set<String>) {
        _ = writer.enqueue(batch) { [self] error in
            guard error == nil else { return }
            length.add(count, ordering: .relaxed)
            wake(destinations)
        }
    }

    /// Queues notifications on their own.
    func enqueue(_ items: [(destination: String, body: [UInt8])], at now: Int64) {
        guard !items.isEmpty else { return }
        let batch = StorageBatch(rows: items.count, mustQueue: true) { db in try Self.insert(items, at: now, in: db) }
        enqueue(batch, count: items.count, destinations: Set(items.map(\.destination)))
    }

    /// The oldest `limit` notifications of `destination` after the row `after` (a sender
    /// reads on while the deletion of what it delivered is still being committed).
    func next(_ destination: String, after: Int64 = 0, limit: Int) throws -> [Entry] {
        try database.pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT id, body, created_at FROM notifications WHERE destination = ? AND id > ? ORDER BY id LIMIT ?",
                arguments: [destination, after, limit]
            ).map { row in
                let body: Data = row["body"]
                return Entry(id: row["id"], body: [UInt8](body), createdAt: row["created_at"])
            }
        }
    }

    /// Deletes delivered (or abandoned) notifications, without waiting for the commit: until
    /// it lands, a restart sends them again (at least once), never not at all.
    func remove(_ ids: [Int64]) {
        guard !ids.isEmpty else { return }
        _ = writer.enqueue(
            StorageBatch(rows: ids.count, mustQueue: true) { db in
                let statement = try db.cachedStatement(sql: "DELETE FROM notifications WHERE id = ?")
                for id in ids { try statement.execute(arguments: [id]) }
            }
        ) { [self] error in
            if error == nil { length.subtract(ids.count, ordering: .relaxed) }
        }
    }

    /// How many notifications wait, and the creation time of the oldest (milliseconds).
    func backlog() throws -> (count: Int, oldest: Int64?) {
        let oldest = try database.pool.read { db in
            try Int64.fetchOne(db, sql: "SELECT created_at FROM notifications ORDER BY id LIMIT 1")
        }
        return (length.load(ordering: .relaxed), oldest)
    }

    /// Waits until rows for `destination` are committed (or were, since it last waited) or
    /// `timeout` passes.
    func wait(for destination: String, upTo timeout: Duration) async {
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let alreadySignalled = signals.withLock { signals in
            if case .signalled = signals[destination] {
                signals[destination] = nil
                return true
            }
            signals[destination] = .waiting(continuation)
            return false
        }
        if !alreadySignalled {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await _ in stream { return }
                }
                group.addTask { try? await Task.sleep(for: timeout) }
                await group.next()
                group.cancelAll()
            }
            signals.withLock { signals in
                if case .waiting = signals[destination] { signals[destination] = nil }
            }
        }
        continuation.finish()
    }

    private func wake(_ destinations: Set<String>) {
        let waiting = signals.withLock { signals in
            destinations.compactMap { destination -> AsyncStream<Void>.Continuation? in
                if case .waiting(let continuation) = signals[destination] {
                    signals[destination] = nil
                    return continuation
                }
                signals[destination] = .signalled
                return nil
            }
        }
        for continuation in waiting { continuation.yield() }
    }
}
