import Foundation
import HTTPServer
import GRDB
import Synchronization

/// Writes batches (spans, logs, metric-history records, checkpoints) in grouped transactions
/// on one dedicated thread per database, and tells each submitter only once its batch is
/// committed, so an acknowledged request survives `kill -9`.
///
/// Batches commit in the order they were enqueued. The queue is bounded by rows waiting; past
/// the bound a submission fails at once with `.overloaded` so the receiver can answer 503
/// instead of holding memory.
final class StorageWriter: Sendable {
    /// Why a submission was not stored.
    enum WriteError: Error, Equatable {
        /// Too many rows are waiting; retry later.
        case overloaded
        /// The writer has stopped.
        case stopped
        /// SQLite refused the transaction.
        case failed(String)

        /// What the client is told: the cause without storage internals.
        var clientMessage: String {
            switch self {
            case .overloaded, .stopped: return message
            case .failed: return "storage failed; retry later"
            }
        }

        /// What the server log says.
        var message: String {
            switch self {
            case .overloaded: return "write queue is full; retry later"
            case .stopped: return "server is shutting down"
            case .failed(let reason): return "storage failed: \(reason)"
            }
        }
    }

    private struct Pending {
        var batch: StorageBatch
        var completion: @Sendable (WriteError?) -> Void
    }

    private struct State {
        var pending: [Pending] = []
        var pendingRows = 0
        var stopped = false
    }

    private let database: TelemetryDatabase
    private let maxPendingRows: Int
    private let state = Mutex(State())
    private let wakeUp = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let onCommit: @Sendable (_ rows: Int, _ seconds: Double) -> Void
    /// Copies the log into the database off this writer's thread; nil when its connection
    /// could not be opened, and SQLite's automatic checkpoint on the writer does it instead.
    let checkpointer: WALCheckpointer?

    /// `walPages` are the log sizes, in pages, at which the `WALCheckpointer` starts a
    /// checkpoint and at which the writer finishes one itself so the log starts anew.
    init(
        database: TelemetryDatabase, maxPendingRows: Int = 200_000,
        walPages: (checkpoint: Int32, restart: Int32) = (1024, 16384),
        onCommit: @escaping @Sendable (_ rows: Int, _ seconds: Double) -> Void = { _, _ in }
    ) {
        self.database = database
        self.maxPendingRows = maxPendingRows
        self.onCommit = onCommit
        checkpointer = try? WALCheckpointer(
            database: database, pagesBeforeCheckpoint: walPages.checkpoint, pagesBeforeRestart: walPages.restart)
        Thread { [self] in
            ThreadName.setCurrent("storage-writer")
            run()
        }.start()
    }

    /// Rows waiting to be written.
    var queueDepth: Int { state.withLock { $0.pendingRows } }

    /// Whether the rows waiting have reached the bound, so callers should refuse new work.
    var isOverloaded: Bool { state.withLock { $0.pendingRows >= maxPendingRows } }

    /// Stores the rows; returns after they are committed.
    func submit(spans: [SpanRow] = [], logs: [LogRow] = []) async throws(WriteError) {
        guard spans.count + logs.count > 0 else { return }
        try await submit(StorageBatch.spansAndLogs(spans: spans, logs: logs))
    }

    /// Commits `batch`; returns after it is committed.
    func submit(_ batch: StorageBatch) async throws(WriteError) {
        let result: WriteError? = await withCheckedContinuation { continuation in
            if let refused = enqueue(batch, completion: { continuation.resume(returning: $0) }) {
                continuation.resume(returning: refused)
            }
        }
        if let result { throw result }
    }

    /// Queues `batch` without waiting: returns why it was refused, or nil when queued, in
    /// which case `completion` runs on the writer thread once it is committed (nil) or failed.
    /// Callers that must keep an order between batches enqueue under their own lock.
    func enqueue(_ batch: StorageBatch, completion: @escaping @Sendable (WriteError?) -> Void = { _ in }) -> WriteError? {
        let refused: WriteError? = state.withLock { state in
            if state.stopped { return .stopped }
            if batch.mustQueue == false, state.pendingRows > 0, state.pendingRows + batch.rows > maxPendingRows {
                return .overloaded
            }
            state.pending.append(Pending(batch: batch, completion: completion))
            state.pendingRows += batch.rows
            return nil
        }
        if refused == nil { wakeUp.signal() }
        return refused
    }

    /// Writes what is queued, then stops the thread. Later submissions fail with `.stopped`.
    func stop() {
        let alreadyStopped = state.withLock { state in
            defer { state.stopped = true }
            return state.stopped
        }
        guard !alreadyStopped else { return }
        wakeUp.signal()
        finished.wait()
        checkpointer?.stop()
    }

    private func run() {
        while true {
            wakeUp.wait()
            let (batch, stopping) = state.withLock { state in
                defer {
                    state.pending.removeAll()
                    state.pendingRows = 0
                }
                return (state.pending, state.stopped)
            }
            if !batch.isEmpty { write(batch) }
            if stopping, state.withLock({ $0.pending.isEmpty }) { break }
        }
        finished.signal()
    }

    private func write(_ batch: [Pending]) {
        let started = DispatchTime.now().uptimeNanoseconds
        var rows = 0
        do {
            try database.pool.write { db in
                for pending in batch {
                    try pending.batch.write(db)
                    rows += pending.batch.rows
                }
            }
        } catch {
            for pending in batch { pending.completion(.failed("\(error)")) }
            return
        }
        onCommit(rows, Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
        for pending in batch { pending.completion(nil) }
    }
}
