import PromQL
import Synchronization

/// Series in memory for rule unit tests: the input series, then what the rules write, with
/// staleness markers as the history writes them. Like promtool's test storage (a Prometheus
/// head) it hands series out in the order they were created.
final class MemoryRuleStore: RuleOutput, Sendable {
    private struct State {
        /// Series in creation order.
        var series: [(labels: Labels, samples: SampleColumn)] = []
        var index: [Labels: Int] = [:]
        /// Series positions by metric name, in creation order: most selectors name one.
        var byName: [String: [Int]] = [:]
        var live: [String: Set<Labels>] = [:]

        /// The position of the series `labels`, created (in creation order) if new.
        mutating func position(of labels: Labels, step: Int64, capacity: Int = 0) -> Int {
            if let position = index[labels] { return position }
            index[labels] = series.count
            byName[labels[Labels.metricName], default: []].append(series.count)
            series.append((labels, SampleColumn(step: step, capacity: capacity)))
            return series.count - 1
        }

        mutating func append(_ labels: Labels, _ sample: Sample, step: Int64) {
            series[position(of: labels, step: step)].samples.append(sample)
        }
    }

    var selectsInEvaluationOrder: Bool { true }

    private let state = Mutex(State())
    /// Milliseconds between rule evaluations: the grid rule outputs land on.
    private let evaluationInterval: Int64

    init(evaluationInterval: Int64) {
        self.evaluationInterval = evaluationInterval
    }

    /// Adds an input series' samples (in time order, `interval` apart but for gaps).
    func add(_ labels: Labels, _ samples: [Sample], interval: Int64) {
        guard !samples.isEmpty else { return }
        state.withLock { state in
            let position = state.position(of: labels, step: interval, capacity: samples.count)
            for sample in samples { state.series[position].samples.append(sample) }
        }
    }

    func appendRound(_ samples: [(labels: Labels, value: Double)], at time: Int64, producer: String) {
        state.withLock { state in
            var live = Set<Labels>()
            for (labels, value) in samples where live.insert(labels).inserted {
                state.append(labels, Sample(time: time, value: value), step: evaluationInterval)
            }
            for gone in (state.live[producer] ?? []).subtracting(live) {
                state.append(gone, Sample(time: time, value: Sample.staleMarker), step: evaluationInterval)
            }
            state.live[producer] = live
        }
    }

    func select(_ matchers: [LabelMatcher], start: Int64, end: Int64) throws -> [Series] {
        let compiled = try matchers.map(CompiledMatcher.init)
        let name = compiled.first { $0.name == Labels.metricName }?.exactValue
        return state.withLock { state in
            let candidates = name.map { state.byName[$0] ?? [] } ?? Array(state.series.indices)
            return candidates.compactMap { position in
                let (labels, column) = state.series[position]
                guard compiled.allSatisfy({ $0.matches(labels[$0.name]) }) else { return nil }
                let samples = column.samples(from: start, through: end)
                return samples.isEmpty ? nil : Series(labels: labels, samples: samples)
            }
        }
    }
}
