import PromQL
import Synchronization

/// Series in memory for rule unit tests: the input series, then what the rules write, with
/// staleness markers as the history writes them. Like promtool's test storage (a Prometheus
/// head) it hands series out in the order they were created.
final class MemoryRuleStore: RuleOutput, Sendable {
    private struct State {
        var series: [Labels: [Sample]] = [:]
        var order: [Labels] = []
        var live: [String: Set<Labels>] = [:]

        mutating func append(_ labels: Labels, _ sample: Sample) {
            if series[labels] == nil { order.append(labels) }
            series[labels, default: []].append(sample)
        }
    }

    var selectsInEvaluationOrder: Bool { true }

    private let state = Mutex(State())

    /// Adds an input sample (in time order per series).
    func add(_ labels: Labels, _ sample: Sample) {
        state.withLock { $0.append(labels, sample) }
    }

    func appendRound(_ samples: [(labels: Labels, value: Double)], at time: Int64, producer: String) {
        state.withLock { state in
            var live = Set<Labels>()
            for (labels, value) in samples where live.insert(labels).inserted {
                state.append(labels, Sample(time: time, value: value))
            }
            for gone in (state.live[producer] ?? []).subtracting(live) {
                state.append(gone, Sample(time: time, value: Sample.staleMarker))
            }
            state.live[producer] = live
        }
    }

    func select(_ matchers: [LabelMatcher], start: Int64, end: Int64) throws -> [Series] {
        let compiled = try matchers.map(CompiledMatcher.init)
        let (series, order) = state.withLock { ($0.series, $0.order) }
        return order.compactMap { labels in
            guard compiled.allSatisfy({ $0.matches(labels[$0.name]) }) else { return nil }
            let inRange = (series[labels] ?? []).filter { $0.time >= start && $0.time <= end }
            return inRange.isEmpty ? nil : Series(labels: labels, samples: inRange)
        }
    }
}
