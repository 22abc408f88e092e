import Foundation
import GRDB
import PromQL

/// Keeps the alerts of every alerting rule in the `alert_state` table: written after each
/// group evaluation through the storage writer, read back at start so alerts resume where they
/// stood (Prometheus re-derives them and loses `keep_firing_for` and resolved state).
struct AlertStateStore: Sendable {
    let database: TelemetryDatabase
    let writer: StorageWriter
    /// Where notifications recorded together with the state are queued.
    var notifications: NotificationQueue? = nil

    /// A saved alert's place: its group, and its rule by position and name (a rule moved or
    /// renamed starts afresh).
    struct RuleKey: Hashable, Sendable {
        let group: String
        let index: Int
        let name: String
    }

    /// Replaces the saved alerts of `group` with `alerts` (by rule), and queues `outgoing`
    /// notifications in the same transaction, so an alert is recorded as sent exactly when its
    /// notifications are queued; does not wait.
    func save(
        group: String, alerts: [(index: Int, name: String, alerts: [Alert])],
        outgoing: [(destination: String, body: [UInt8])] = [], at now: Int64 = 0
    ) {
        let rows = alerts.reduce(1) { $0 + $1.alerts.count } + outgoing.count
        let batch = StorageBatch(rows: rows, mustQueue: true) { db in
            if !outgoing.isEmpty { try NotificationQueue.insert(outgoing, at: now, in: db) }
            try db.execute(sql: "DELETE FROM alert_state WHERE group_key = ?", arguments: [group])
            let statement = try db.cachedStatement(
                sql: """
                    INSERT OR REPLACE INTO alert_state (group_key, rule_index, rule_name, labels, annotations, state, value,
                        active_at, fired_at, resolved_at, keep_firing_since, last_sent_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            for rule in alerts {
                for alert in rule.alerts {
                    let annotations = (try? JSONSerialization.data(withJSONObject: alert.annotations, options: [.sortedKeys]))
                        .map { String(decoding: $0, as: UTF8.self) } ?? "{}"
                    try statement.execute(arguments: [
                        group, rule.index, rule.name, Data(LabelsCoding.encode(alert.labels)), annotations,
                        alert.state.rawValue, alert.value, alert.activeAt, alert.firedAt, alert.resolvedAt,
                        alert.keepFiringSince, alert.lastSentAt,
                    ])
                }
            }
        }
        if let notifications, !outgoing.isEmpty {
            notifications.enqueue(batch, count: outgoing.count, destinations: Set(outgoing.map(\.destination)))
        } else {
            _ = writer.enqueue(batch)
        }
    }

    /// Every saved alert by rule.
    func load() throws -> [RuleKey: [Alert]] {
        try database.pool.read { db in
            var result: [RuleKey: [Alert]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM alert_state") {
                let bytes: Data = row["labels"]
                guard let labels = LabelsCoding.decode([UInt8](bytes)), let state = AlertState(rawValue: row["state"]) else {
                    continue
                }
                let annotationsText: String = row["annotations"]
                let annotations = (try? JSONSerialization.jsonObject(with: Data(annotationsText.utf8))) as? [String: String] ?? [:]
                let key = RuleKey(group: row["group_key"], index: row["rule_index"], name: row["rule_name"])
                result[key, default: []].append(
                    Alert(
                        labels: labels, annotations: annotations, value: row["value"], state: state, activeAt: row["active_at"],
                        firedAt: row["fired_at"], resolvedAt: row["resolved_at"], keepFiringSince: row["keep_firing_since"],
                        lastSentAt: row["last_sent_at"]))
            }
            return result
        }
    }
}
