import AsyncHTTPClient
import Foundation
import Logging
import Telemetry

/// Sends one destination's queued notifications in order: reads the oldest batch, POSTs it
/// (retrying connection failures, 408, 429 and 5xx with backoff and jitter, honouring
/// `Retry-After`), deletes it once answered 2xx or refused for good (other 4xx), and drops
/// notifications past the maximum age. Each destination has its own sender, so a receiver
/// that hangs holds up only itself.
struct NotificationSender: Sendable {
    /// Where and how a destination receives.
    struct Destination: Sendable {
        /// The queue's key (`alertmanager:<url>`, `webhook:<name>`).
        let key: String
        /// The receiver's name in metrics.
        let name: String
        let url: String
        let headers: [(String, String)]
        let timeout: Duration
        /// Notifications per request: Alertmanagers take up to 256 alerts as one JSON array;
        /// a webhook payload goes alone.
        let batchSize: Int
    }

    static let retryable: Set<UInt> = Set(500..<600).union([408, 429])

    let destination: Destination
    let queue: NotificationQueue
    let client: HTTPClient
    let metrics: NotificationMetrics?
    let maxAge: Int64
    let logger: Logger
    var now: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }
    var retry = RetryPolicy(maxAttempts: 6, initialBackoff: .milliseconds(200), maxBackoff: .seconds(30), maxRetryAfter: .seconds(3600))

    /// Runs until cancelled.
    func run() async {
        let delivery = HTTPDelivery(
            client: client, retry: retry, timeout: destination.timeout, retryable: Self.retryable, logger: logger)
        let headers = [("Content-Type", "application/json")] + destination.headers
        // The last row dealt with: reading goes on past it while its deletion commits.
        var cursor: Int64 = 0
        while !Task.isCancelled {
            let batch: [NotificationQueue.Entry]
            do {
                batch = try queue.next(destination.key, after: cursor, limit: destination.batchSize)
            } catch {
                logger.error("cannot read the notification queue", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
                continue
            }
            guard !batch.isEmpty else {
                await queue.wait(for: destination.key, upTo: .seconds(1))
                continue
            }
            let cutoff = now() - maxAge
            // Rows are created in id order: the expired ones come first.
            let expired = batch.prefix { $0.createdAt < cutoff }
            if !expired.isEmpty {
                queue.remove(expired.map(\.id))
                cursor = expired.last?.id ?? cursor
                metrics?.dropped(destination.name, count: expired.count)
                logger.warning("dropped notifications past their maximum age", metadata: ["receiver": "\(destination.name)", "count": "\(expired.count)"])
                continue
            }
            let started = ContinuousClock.now
            let outcome = await delivery.post(destination.url, headers: headers, body: body(of: batch))
            switch outcome {
            case .delivered:
                queue.remove(batch.map(\.id))
                cursor = batch.last?.id ?? cursor
                metrics?.sent(destination.name, count: batch.count, seconds: Self.seconds(since: started))
            case .refused(let status, let message):
                // Sending the same body again cannot succeed: drop it, loudly.
                queue.remove(batch.map(\.id))
                cursor = batch.last?.id ?? cursor
                metrics?.failed(destination.name, count: batch.count)
                logger.error("notification refused", metadata: ["receiver": "\(destination.name)", "status": "\(status)", "reason": "\(message)"])
            case .gaveUp(let reason):
                if Task.isCancelled { return }
                metrics?.failed(destination.name, count: batch.count)
                logger.warning("notification not delivered yet; will retry", metadata: ["receiver": "\(destination.name)", "reason": "\(reason)"])
                try? await Task.sleep(for: retry.maxBackoff / 6)
            }
        }
    }

    /// The request body: a JSON array of the alerts for an Alertmanager, the payload itself for a webhook.
    private func body(of batch: [NotificationQueue.Entry]) -> [UInt8] {
        guard destination.batchSize > 1 else { return batch.first?.body ?? [] }
        var body: [UInt8] = [UInt8(ascii: "[")]
        for (index, entry) in batch.enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body += entry.body
        }
        body.append(UInt8(ascii: "]"))
        return body
    }

    private static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
