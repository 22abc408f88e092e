import AsyncHTTPClient
import Foundation
import GRDB
import Logging
import Telemetry

/// Sends alerts where `alerting:` says: every alert to each Alertmanager (API v2, batches of at
/// most 256, as Prometheus), and through the webhook dispatcher's grouping to each webhook —
/// all through the durable queue, each destination with its own sender.
final class AlertNotifier: Sendable {
    let queue: NotificationQueue
    let dispatcher: WebhookDispatcher
    let silences: SilenceStore
    /// Milliseconds between sends of a firing alert.
    let resendDelay: Int64
    private let configuration: AlertingConfiguration
    private let metrics: NotificationMetrics?
    private let logger: Logger
    private let now: @Sendable () -> Int64

    init(
        configuration: AlertingConfiguration, externalURL: String, database: TelemetryDatabase, writer: StorageWriter,
        registry: MetricRegistry?, logger: Logger, now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }
    ) throws {
        self.configuration = configuration
        resendDelay = configuration.resendDelay.milliseconds
        queue = try NotificationQueue(database: database, writer: writer)
        silences = try SilenceStore(database: database, writer: writer, limits: configuration.silenceLimits)
        dispatcher = WebhookDispatcher(
            receivers: configuration.webhooks, externalURL: externalURL, silences: silences,
            log: try Self.loadLog(database, since: now() - 5 * 86_400_000))
        metrics = try registry.map { try NotificationMetrics(registry: $0) }
        self.logger = logger
        self.now = now
    }

    /// The queue key of an Alertmanager's notifications.
    static func destination(_ target: AlertmanagerTarget) -> String { "alertmanager:\(target.alertsURL)" }

    /// One queue row per alert and Alertmanager (sent in batches of up to 256).
    func alertmanagerRows(_ alerts: [OutgoingAlert]) -> [(destination: String, body: [UInt8])] {
        guard !configuration.alertmanagers.isEmpty, !alerts.isEmpty else { return [] }
        let bodies = alerts.compactMap { alert in
            (try? JSONSerialization.data(withJSONObject: alert.apiV2JSON, options: [.sortedKeys, .withoutEscapingSlashes])).map { [UInt8]($0) }
        }
        return configuration.alertmanagers.flatMap { target in bodies.map { (Self.destination(target), $0) } }
    }

    /// Hands alerts to the webhook dispatcher.
    func dispatch(_ alerts: [OutgoingAlert], at now: Int64) {
        dispatcher.receive(alerts, at: now)
    }

    /// Sends until cancelled: one sender per destination, the dispatcher's flushes, the gauges.
    func run() async {
        let senders = configuration.alertmanagers.map { target in
            NotificationSender.Destination(
                key: Self.destination(target), name: target.url, url: target.alertsURL,
                headers: target.headers.sorted { $0.key < $1.key }, timeout: .milliseconds(target.timeout.milliseconds),
                batchSize: 256)
        } + configuration.webhooks.map { webhook in
            NotificationSender.Destination(
                key: WebhookDispatcher.destination(webhook.name), name: webhook.name, url: webhook.url,
                headers: webhook.headers.sorted { $0.key < $1.key }, timeout: .milliseconds(webhook.timeout.milliseconds),
                batchSize: 1)
        }
        // The client lives as long as the senders, and is shut down when they stop.
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        await withTaskGroup(of: Void.self) { group in
            for destination in senders {
                let sender = NotificationSender(
                    destination: destination, queue: queue, client: client, metrics: metrics,
                    maxAge: configuration.maxNotificationAge.milliseconds, logger: logger, now: now)
                group.addTask { await sender.run() }
            }
            if !configuration.webhooks.isEmpty {
                group.addTask { [self] in
                    while !Task.isCancelled {
                        flushWebhooks(at: now())
                        try? await Task.sleep(for: .milliseconds(200))
                    }
                }
            }
            group.addTask { [self] in
                while !Task.isCancelled {
                    updateGauges()
                    try? await Task.sleep(for: .seconds(5))
                }
            }
        }
        try? await client.shutdown()
    }

    /// Queues the notifications of every webhook group due at `now`, each with its
    /// notification-log entry in the same transaction.
    func flushWebhooks(at now: Int64) {
        let notifications = dispatcher.flush(at: now)
        guard !notifications.isEmpty else { return }
        let rows = notifications.compactMap { item in item.payload.map { (WebhookDispatcher.destination(item.receiver), $0) } }
        let batch = StorageBatch(rows: notifications.count * 2, mustQueue: true) { db in
            try NotificationQueue.insert(rows, at: now, in: db)
            let statement = try db.cachedStatement(
                sql: "INSERT OR REPLACE INTO notification_log (receiver, group_key, firing, resolved, sent_at) VALUES (?, ?, ?, ?, ?)")
            for item in notifications {
                try statement.execute(arguments: [
                    item.receiver, item.groupKey, item.entry.firing.sorted().joined(separator: ","),
                    item.entry.resolved.sorted().joined(separator: ","), item.entry.sentAt,
                ])
            }
        }
        queue.enqueue(batch, count: rows.count, destinations: Set(rows.map(\.0)))
    }

    func updateGauges() {
        guard let metrics, let backlog = try? queue.backlog() else { return }
        metrics.queueLength.set(Double(backlog.count))
        metrics.oldestAge.set(backlog.oldest.map { Double(Swift.max(0, now() - $0)) / 1000 } ?? 0)
    }

    private static func loadLog(_ database: TelemetryDatabase, since: Int64) throws -> [String: [String: NotificationLogEntry]] {
        try database.pool.read { db in
            var log: [String: [String: NotificationLogEntry]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM notification_log WHERE sent_at >= ?", arguments: [since]) {
                let firing: String = row["firing"], resolved: String = row["resolved"]
                log[row["receiver"], default: [:]][row["group_key"]] = NotificationLogEntry(
                    firing: Set(firing.split(separator: ",").map(String.init)),
                    resolved: Set(resolved.split(separator: ",").map(String.init)), sentAt: row["sent_at"])
            }
            return log
        }
    }
}
