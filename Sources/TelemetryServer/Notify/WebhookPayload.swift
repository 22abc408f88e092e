import Foundation

/// Alertmanager's webhook payload, version 4, as its `webhook` notifier sends it: existing
/// receivers (chat bridges, on-call tools) read it unchanged.
struct WebhookPayload {
    let receiver: String
    let groupKey: String
    let groupLabels: [String: String]
    let externalURL: String
    /// The alerts, in Alertmanager's order (by `job`, then `instance`, then labels).
    let alerts: [OutgoingAlert]
    /// Alerts left out by `max_alerts`.
    let truncatedAlerts: Int
    let now: Int64

    init(receiver: String, groupKey: String, groupLabels: [String: String], externalURL: String, alerts: [OutgoingAlert],
         maxAlerts: Int, now: Int64) {
        let sorted = alerts.sorted(by: Self.alertmanagerOrder)
        self.receiver = receiver
        self.groupKey = groupKey
        self.groupLabels = groupLabels
        self.externalURL = externalURL
        self.alerts = maxAlerts > 0 ? Array(sorted.prefix(maxAlerts)) : sorted
        truncatedAlerts = maxAlerts > 0 ? Swift.max(0, sorted.count - maxAlerts) : 0
        self.now = now
    }

    /// Alertmanager sorts a group's alerts by `job`, then `instance`, then the whole label set.
    private static func alertmanagerOrder(_ a: OutgoingAlert, _ b: OutgoingAlert) -> Bool {
        for key in ["job", "instance"] where a.labels[key] != b.labels[key] {
            guard let left = a.labels[key] else { return false }
            guard let right = b.labels[key] else { return true }
            return left < right
        }
        return a.labels.sorted { $0.key < $1.key }.lexicographicallyPrecedes(b.labels.sorted { $0.key < $1.key }) {
            ($0.key, $0.value) < ($1.key, $1.value)
        }
    }

    /// The labels (or annotations) every alert shares with the same value.
    private static func common(_ maps: [[String: String]]) -> [String: String] {
        guard var shared = maps.first else { return [:] }
        for map in maps.dropFirst() { shared = shared.filter { map[$0.key] == $0.value } }
        return shared
    }

    var status: String { alerts.contains { !$0.isResolved(at: now) } ? "firing" : "resolved" }

    var json: [UInt8] {
        let object: [String: Any] = [
            "version": "4",
            "groupKey": groupKey,
            "truncatedAlerts": truncatedAlerts,
            "status": status,
            "receiver": receiver,
            "groupLabels": groupLabels,
            "commonLabels": Self.common(alerts.map(\.labels)),
            "commonAnnotations": Self.common(alerts.map(\.annotations)),
            "externalURL": externalURL,
            "alerts": alerts.map { alert -> [String: Any] in
                let resolved = alert.isResolved(at: now)
                return [
                    "status": resolved ? "resolved" : "firing",
                    "labels": alert.labels,
                    "annotations": alert.annotations,
                    "startsAt": OutgoingAlert.timestamp(alert.startsAt),
                    // Alertmanager hides the end of an alert that has not ended.
                    "endsAt": resolved ? OutgoingAlert.timestamp(alert.endsAt) : OutgoingAlert.zeroTime,
                    "generatorURL": alert.generatorURL,
                    "fingerprint": alert.fingerprint,
                ]
            },
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return [UInt8](data)
    }
}
