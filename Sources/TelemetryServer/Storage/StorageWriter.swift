import Foundation
import GRDB
import Synchronization

/// Writes spans and logs in batched transactions on one dedicated thread, and resumes each
/// submitter only once its rows are committed, so an acknowledged request survives `kill -9`.
///
/// The queue is bounded by rows waiting; past the bound `submit` fails at once with
/// `.overloaded` so the receiver can answer 503 instead of holding memory.
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
        var spans: [SpanRow]
        var logs: [LogRow]
        var continuation: CheckedContinuation<Void, Error>
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

    init(
        database: TelemetryDatabase, maxPendingRows: Int = 200_000,
        onCommit: @escaping @Sendable (_ rows: Int, _ seconds: Double) -> Void = { _, _ in }
    ) {
        self.database = database
        self.maxPendingRows = maxPendingRows
        self.onCommit = onCommit
        let thread = Thread { [self] in run() }
        thread.name = "telemetryd-storage-writer"
        thread.start()
    }

    /// Rows waiting to be written.
    var queueDepth: Int { state.withLock { $0.pendingRows } }

    /// Stores the rows; returns after they are committed.
    func submit(spans: [SpanRow] = [], logs: [LogRow] = []) async throws(WriteError) {
        let count = spans.count + logs.count
        guard count > 0 else { return }
        do {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
                let accepted: WriteError? = state.withLock { state in
                    if state.stopped { return .stopped }
                    if state.pendingRows > 0, state.pendingRows + count > maxPendingRows { return .overloaded }
                    state.pending.append(Pending(spans: spans, logs: logs, continuation: continuation))
                    state.pendingRows += count
                    return nil
                }
                if let accepted {
                    continuation.resume(throwing: accepted)
                } else {
                    wakeUp.signal()
                }
            }
        } catch let error as WriteError {
            throw error
        } catch {
            throw .failed("\(error)")
        }
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
                var spans = SQLiteBinder(try db.cachedStatement(sql: SpanRow.insertSQL), in: db)
                var logs = SQLiteBinder(try db.cachedStatement(sql: LogRow.insertSQL), in: db)
                for pending in batch {
                    for span in pending.spans { try span.insert(with: &spans) }
                    for log in pending.logs { try log.insert(with: &logs) }
                    rows += pending.spans.count + pending.logs.count
                }
            }
        } catch {
            for pending in batch { pending.continuation.resume(throwing: WriteError.failed("\(error)")) }
            return
        }
        onCommit(rows, Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
        for pending in batch { pending.continuation.resume() }
    }
}
