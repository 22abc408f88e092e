import Foundation
import PromQL
import Synchronization

/// A group of rules loaded from a file, running on its own schedule: its rules in file order at
/// one timestamp, a recording rule's output appended to the history before the next rule runs,
/// so later rules in the same evaluation see it.
final class RuleGroup: Sendable {
    /// A rule with what its last evaluation left.
    struct RuleState: Sendable {
        enum Rule: Sendable {
            case recording(RecordingRule)
            case alerting(AlertingRule)
        }

        var rule: Rule
        var exprText: String
        var lastError: String?
        var lastEvaluation: Int64?
        var evaluationSeconds = 0.0
    }

    struct State: Sendable {
        var rules: [RuleState]
        var lastEvaluation: Int64?
        var evaluationSeconds = 0.0
    }

    let file: String
    let name: String
    /// Milliseconds between evaluations.
    let interval: Int64
    let limit: Int
    let queryOffset: Int64
    let externalLabels: [String: String]
    /// The server's external URL (`$externalURL` in templates).
    let externalURL: String
    /// The definition's fingerprint (see `RuleGroupDefinition.fingerprint`).
    let fingerprint: String
    let state: Mutex<State>

    init(
        _ definition: RuleGroupDefinition, file: String, defaultInterval: Int64, externalLabels: [String: String],
        externalURL: String = ""
    ) {
        self.file = file
        name = definition.name
        interval = definition.interval?.milliseconds ?? defaultInterval
        limit = definition.limit
        queryOffset = definition.queryOffset?.milliseconds ?? 0
        self.externalLabels = externalLabels
        self.externalURL = externalURL
        fingerprint = definition.fingerprint + "\u{0}\(interval)\u{0}\(externalLabels.sorted { $0.key < $1.key })\u{0}\(externalURL)"
        let rules = definition.rules.map { rule in
            switch rule.kind {
            case .recording:
                return RuleState(rule: .recording(RecordingRule(rule, groupLabels: definition.labels)), exprText: rule.exprText)
            case .alerting:
                return RuleState(rule: .alerting(AlertingRule(rule, groupLabels: definition.labels)), exprText: rule.exprText)
            }
        }
        state = Mutex(State(rules: rules))
    }

    /// `file;name`, the `rule_group` label of the group's metrics, as Prometheus writes it.
    var key: String { "\(file);\(name)" }

    /// Where in each interval the group runs: a hash of its key, so groups spread out (and a
    /// group keeps its slot across restarts).
    var offset: Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return Int64(hash % UInt64(interval))
    }

    /// The latest evaluation slot at or before `now`.
    func slot(atOrBefore now: Int64) -> Int64 {
        let shifted = now - offset
        let floor = shifted >= 0 ? shifted / interval * interval : -((-shifted + interval - 1) / interval) * interval
        return floor + offset
    }

    /// The alerts of each alerting rule, by position and name (to save them).
    var alertsByRule: [(index: Int, name: String, alerts: [Alert])] {
        state.withLock { state in
            state.rules.enumerated().compactMap { index, rule in
                guard case .alerting(let alerting) = rule.rule else { return nil }
                return (index, alerting.name, Array(alerting.active.values))
            }
        }
    }

    /// The alerts to send after an evaluation at `time` (see `AlertingRule.alertsToSend`), with
    /// Prometheus's validity: 4 × the larger of the interval and the resend delay.
    func alertsToSend(at time: Int64, resendDelay: Int64, all: Bool = false) -> [OutgoingAlert] {
        let validUntil = time + 4 * Swift.max(interval, resendDelay)
        return state.withLock { state in
            var outgoing: [OutgoingAlert] = []
            for index in state.rules.indices {
                guard case .alerting(var rule) = state.rules[index].rule else { continue }
                let generatorURL = externalURL + "/graph?g0.expr=" + TemplateBuiltins.queryEscape(rule.expr.description) + "&g0.tab=1"
                outgoing += rule.alertsToSend(
                    at: time, resendDelay: resendDelay, validUntil: validUntil, generatorURL: generatorURL,
                    externalLabels: externalLabels, all: all)
                state.rules[index].rule = .alerting(rule)
            }
            return outgoing
        }
    }

    /// Puts back saved alerts into the rules they belong to.
    func restore(_ saved: [AlertStateStore.RuleKey: [Alert]]) {
        state.withLock { state in
            for index in state.rules.indices {
                guard case .alerting(var alerting) = state.rules[index].rule,
                    let alerts = saved[AlertStateStore.RuleKey(group: key, index: index, name: alerting.name)]
                else { continue }
                alerting.restore(alerts)
                state.rules[index].rule = .alerting(alerting)
            }
        }
    }

    /// Evaluates every rule at `time`, writing recorded series and `ALERTS` into `history`;
    /// returns how many rules failed.
    @discardableResult
    func evaluate(at time: Int64, engine: Engine, history: some RuleOutput) -> Int {
        let started = ContinuousClock.now
        let evaluationTime = time - queryOffset
        var rules = state.withLock { $0.rules }
        var failures = 0
        for index in rules.indices {
            let ruleStarted = ContinuousClock.now
            let producer = "rule:\(key):\(index)"
            do throws(RuleError) {
                let samples: [(labels: Labels, value: Double)]
                switch rules[index].rule {
                case .recording(let recording):
                    samples = try recording.evaluate(at: evaluationTime, engine: engine, source: history, limit: limit)
                case .alerting(var alerting):
                    samples = try alerting.evaluate(
                        at: evaluationTime, engine: engine, source: history, limit: limit, externalLabels: externalLabels,
                        externalURL: externalURL)
                    rules[index].rule = .alerting(alerting)
                }
                history.appendRound(samples, at: time, producer: producer)
                rules[index].lastError = nil
            } catch {
                failures += 1
                // As in Prometheus, a failed evaluation writes nothing, staleness markers included.
                rules[index].lastError = error.message
            }
            rules[index].lastEvaluation = time
            rules[index].evaluationSeconds = Self.seconds(since: ruleStarted)
        }
        let elapsed = Self.seconds(since: started)
        state.withLock { state in
            state.rules = rules
            state.lastEvaluation = time
            state.evaluationSeconds = elapsed
        }
        return failures
    }

    private static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
