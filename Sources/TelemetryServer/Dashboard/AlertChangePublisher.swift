import Foundation
import HTTPServer
import PromQL
import Synchronization

/// Publishes alert state changes on the `alerts` topic after each rule group's evaluation:
/// alerts that became pending, firing or inactive, and the group's health. Browsers refetch
/// `/api/v1/alerts` and `/api/v1/rules` on it rather than patching state from the event.
final class AlertChangePublisher: Sendable {
    let events: EventBroadcaster
    /// The state of each alert last published, by group key then alert labels.
    private let last = Mutex<[String: [Labels: AlertState]]>([:])

    init(events: EventBroadcaster) {
        self.events = events
    }

    /// Compares `group`'s alerts with the last evaluation and publishes the changes, if any.
    func groupEvaluated(_ group: RuleGroup) {
        var now: [Labels: (rule: String, alert: Alert)] = [:]
        for rule in group.alertsByRule {
            for alert in rule.alerts { now[alert.labels] = (rule.name, alert) }
        }
        let lastError = group.state.withLock { $0.rules.compactMap(\.lastError).first }
        let changes: [String] = last.withLock { last in
            let before = last[group.key] ?? [:]
            var changes: [String] = []
            for (labels, entry) in now.sorted(by: { $0.key < $1.key }) where before[labels] != entry.alert.state {
                changes.append(Self.change(entry.rule, labels, from: before[labels], to: entry.alert.state))
            }
            for (labels, state) in before.sorted(by: { $0.key < $1.key }) where now[labels] == nil && state != .inactive {
                changes.append(Self.change(labels["alertname"], labels, from: state, to: .inactive))
            }
            last[group.key] = now.mapValues(\.alert.state)
            return changes
        }
        guard !changes.isEmpty else { return }
        let health = lastError == nil ? "ok" : "err"
        events.publish(
            topic: DashboardTopic.alerts,
            data: "{\"group\":\(APIFormat.string(group.name)),\"file\":\(APIFormat.string(group.file)),"
                + "\"health\":\"\(health)\",\"changes\":[\(changes.joined(separator: ","))]}")
    }

    private static func change(_ rule: String, _ labels: Labels, from: AlertState?, to: AlertState) -> String {
        "{\"alertname\":\(APIFormat.string(rule)),\"labels\":\(APIFormat.labels(labels)),"
            + "\"from\":\"\(from?.rawValue ?? "inactive")\",\"to\":\"\(to.rawValue)\"}"
    }
}
