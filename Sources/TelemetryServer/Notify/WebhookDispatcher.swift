import PromQL
import Synchronization

/// Alertmanager's dispatcher for the webhook receivers: routes each alert to the receivers
/// whose matchers it satisfies, groups it by the receiver's `group_by` labels, and decides when
/// a group is notified: `group_wait` after its first alert, then every `group_interval` when
/// something changed (a new firing alert, or a newly resolved one with `send_resolved`), and
/// every `repeat_interval` when nothing did. What each group was last notified of is the
/// notification log (`NotificationLogEntry`), kept in SQLite so a restart does not repeat it.
///
/// Time is passed in (`receive(_:at:)`, `flush(at:)`), so tests run it on virtual time.
final class WebhookDispatcher: Sendable {
    /// A notification decided by a flush: the payload and the log entry recording it.
    struct Notification: Sendable {
        let receiver: String
        let groupKey: String
        /// The payload to queue; nil when the log changes but nothing is sent (all resolved,
        /// `send_resolved: false`).
        let payload: [UInt8]?
        let entry: NotificationLogEntry
    }

    private struct Group {
        let labels: [String: String]
        var alerts: [String: OutgoingAlert] = [:]
        var nextFlush: Int64
        var hasFlushed = false
    }

    private struct State {
        var groups: [String: [String: Group]] = [:]
        var log: [String: [String: NotificationLogEntry]] = [:]
    }

    let receivers: [WebhookReceiver]
    /// Each receiver's matchers, compiled once.
    private let matchers: [[CompiledMatcher]]
    private let externalURL: String
    private let silences: SilenceStore?
    private let state: Mutex<State>

    init(receivers: [WebhookReceiver], externalURL: String, silences: SilenceStore? = nil,
         log: [String: [String: NotificationLogEntry]] = [:]) {
        self.receivers = receivers
        matchers = receivers.map { receiver in receiver.matchers.compactMap { try? CompiledMatcher($0) } }
        self.externalURL = externalURL
        self.silences = silences
        state = Mutex(State(log: log))
    }

    /// The queue key of a receiver's notifications.
    static func destination(_ receiver: String) -> String { "webhook:\(receiver)" }

    /// Routes alerts into their groups.
    func receive(_ alerts: [OutgoingAlert], at now: Int64) {
        guard !receivers.isEmpty, !alerts.isEmpty else { return }
        state.withLock { state in
            for (index, receiver) in receivers.enumerated() {
                for alert in alerts where matchers[index].allSatisfy({ $0.matches(alert.labels[$0.name] ?? "") }) {
                    let labels = receiver.groupByAll ? alert.labels : alert.labels.filter { receiver.groupBy.contains($0.key) }
                    let key = Self.groupKey(receiver, labels)
                    var group = state.groups[receiver.name]?[key]
                        ?? Group(labels: labels, nextFlush: now + receiver.groupWait.milliseconds)
                    var incoming = alert
                    if let old = group.alerts[alert.fingerprint], !old.isResolved(at: now) {
                        incoming.startsAt = Swift.min(old.startsAt, alert.startsAt)
                    }
                    group.alerts[alert.fingerprint] = incoming
                    // An alert that has waited out group_wait already is notified at once.
                    if !group.hasFlushed, alert.startsAt + receiver.groupWait.milliseconds < now { group.nextFlush = now }
                    state.groups[receiver.name, default: [:]][key] = group
                }
            }
        }
    }

    /// Flushes every group that is due at `now`; returns what to queue.
    func flush(at now: Int64) -> [Notification] {
        state.withLock { state in
            var notifications: [Notification] = []
            for receiver in receivers {
                for (key, var group) in state.groups[receiver.name] ?? [:] where group.nextFlush <= now {
                    let visible = group.alerts.values.filter { !(silences?.isSilenced($0.labels, at: now) ?? false) }
                    let firing = Set(visible.filter { !$0.isResolved(at: now) }.map(\.fingerprint))
                    let resolved = Set(visible.filter { $0.isResolved(at: now) }.map(\.fingerprint))
                    let entry = state.log[receiver.name]?[key]
                    if Self.needsUpdate(entry, firing: firing, resolved: resolved, receiver: receiver, now: now) {
                        let sendable = receiver.sendResolved ? visible : visible.filter { !$0.isResolved(at: now) }
                        let payload = sendable.isEmpty ? nil : WebhookPayload(
                            receiver: receiver.name, groupKey: key, groupLabels: group.labels, externalURL: externalURL,
                            alerts: sendable, maxAlerts: receiver.maxAlerts, now: now
                        ).json
                        let logged = NotificationLogEntry(firing: firing, resolved: resolved, sentAt: now)
                        state.log[receiver.name, default: [:]][key] = logged
                        notifications.append(Notification(receiver: receiver.name, groupKey: key, payload: payload, entry: logged))
                    }
                    // Resolved alerts have been dealt with: they leave the group.
                    group.alerts = group.alerts.filter { !$0.value.isResolved(at: now) }
                    group.hasFlushed = true
                    group.nextFlush = now + receiver.groupInterval.milliseconds
                    state.groups[receiver.name]?[key] = group.alerts.isEmpty ? nil : group
                }
            }
            return notifications
        }
    }

    /// Alertmanager's deduplication: whether a group's state must be notified.
    static func needsUpdate(
        _ entry: NotificationLogEntry?, firing: Set<String>, resolved: Set<String>, receiver: WebhookReceiver, now: Int64
    ) -> Bool {
        guard let entry else { return !firing.isEmpty }
        if !firing.isSubset(of: entry.firing) { return true }
        // All resolved: notify only if the receiver had been told some were firing.
        if firing.isEmpty { return !entry.firing.isEmpty }
        if receiver.sendResolved, !resolved.isSubset(of: entry.resolved) { return true }
        return entry.sentAt + receiver.repeatInterval.milliseconds <= now
    }

    /// Alertmanager's group key: the route (`{}`, or `{}/{matchers}`) and the group labels.
    static func groupKey(_ receiver: WebhookReceiver, _ labels: [String: String]) -> String {
        let route = receiver.matchers.isEmpty
            ? "{}" : "{}/{" + receiver.matchers.map { "\($0.name)\($0.kind.rawValue)\(GoQuote.quote($0.value))" }.joined(separator: ",") + "}"
        return route + ":{" + labels.map { "\($0.key)=\(GoQuote.quote($0.value))" }.sorted().joined(separator: ", ") + "}"
    }
}

/// What a webhook group was last notified of: Alertmanager's notification log entry.
struct NotificationLogEntry: Sendable, Equatable {
    let firing: Set<String>
    let resolved: Set<String>
    let sentAt: Int64
}
