import GRDB
import HTTPServer
import Logging
import Synchronization

/// Bounds what the query API's searches may cost: at most `maxConcurrent` run at once (more
/// get 503 with `Retry-After`), each is cancelled after `timeout` (SQLite is interrupted), and
/// a failure reaches the client as a plain message while its cause goes to the log.
final class QueryLimiter: Sendable {
    let maxConcurrent: Int
    let timeout: Duration
    private let running = Atomic<Int>(0)

    init(maxConcurrent: Int, timeout: Duration) {
        self.maxConcurrent = maxConcurrent
        self.timeout = timeout
    }

    /// Runs `body` on GRDB's reader pool (not the Swift concurrency pool) within the bounds.
    func read<T: Sendable>(
        _ database: TelemetryDatabase, _ body: @escaping @Sendable (Database) throws -> T
    ) async throws(HTTPError) -> T {
        guard running.add(1, ordering: .relaxed).newValue <= maxConcurrent else {
            running.subtract(1, ordering: .relaxed)
            throw HTTPError(
                status: 503, message: "too many searches running (at most \(maxConcurrent)); retry later",
                retryAfterSeconds: 1)
        }
        defer { running.subtract(1, ordering: .relaxed) }
        let work = Task { try await database.pool.read(body) }
        let timeout = timeout
        let timer = Task {
            try await Task.sleep(for: timeout)
            work.cancel()
        }
        defer { timer.cancel() }
        do {
            return try await work.value
        } catch {
            if work.isCancelled {
                throw HTTPError(
                    status: 503, message: "the search took longer than \(timeout); narrow it (service, time range, limit)",
                    retryAfterSeconds: 1)
            }
            throw HTTPError(status: 500, message: "the search failed; the cause is in the server log",
                logMessage: "query failed: \(error)")
        }
    }
}
