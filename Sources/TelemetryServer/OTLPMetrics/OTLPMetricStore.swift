import Synchronization
import Telemetry

/// The latest value of every series received over OTLP, exposed on `/metrics` as a collector.
///
/// Delta points are added to what is stored (delta to cumulative); other points replace it. A
/// series not updated for `staleAfterNanos` disappears at the next scrape. The number of
/// series is bounded: past `maxSeries`, points for new series are rejected, and so is the size
/// of each series' labels (`limits`), so memory stays bounded whatever clients send.
final class OTLPMetricStore: MetricCollector {
    private struct Series {
        var value: CollectedSeries.Value
        var updatedNanos: UInt64
    }

    private struct Family {
        var type: MetricType
        var help: String
        var unit: String
        var series: [[MetricLabel]: Series] = [:]
    }

    private struct State {
        var families: [String: Family] = [:]
        var seriesCount = 0
    }

    private let state = Mutex(State())
    let staleAfterNanos: UInt64
    let maxSeries: Int
    /// Bounds on a new series' labels: a point past them is rejected.
    let limits: SeriesLabelLimits
    private let now: @Sendable () -> UInt64

    init(
        staleAfterNanos: UInt64, maxSeries: Int, limits: SeriesLabelLimits = SeriesLabelLimits(),
        now: @escaping @Sendable () -> UInt64 = { WallClock.nanoseconds() }
    ) {
        self.staleAfterNanos = staleAfterNanos
        self.maxSeries = maxSeries
        self.limits = limits
        self.now = now
    }

    /// Series currently held.
    var seriesCount: Int { state.withLock { $0.seriesCount } }

    /// Applies the updates in order; returns those rejected (type conflicts, the series limit).
    func apply(_ updates: [MetricUpdate]) -> Rejections {
        let time = now()
        var rejections = Rejections()
        state.withLock { state in
            var swept = false
            for update in updates {
                if let family = state.families[update.family], family.type != update.type {
                    rejections.add(
                        "metric \(update.family): already received as a \(family.type.rawValue), not a \(update.type.rawValue)")
                    continue
                }
                if update.mode == .remove {
                    if state.families[update.family]?.series.removeValue(forKey: update.labels) != nil {
                        state.seriesCount -= 1
                    }
                    continue
                }
                let existing = state.families[update.family]?.series[update.labels]
                if existing == nil,
                    let problem = limits.problem(
                        name: update.family, labels: update.labels.lazy.map { (name: $0.name, value: $0.value) })
                {
                    rejections.add("metric \(update.family.prefix(200)): \(problem)")
                    continue
                }
                if existing == nil, state.seriesCount >= maxSeries {
                    if !swept {
                        sweep(&state, at: time)
                        swept = true
                    }
                    if state.seriesCount >= maxSeries {
                        rejections.add("metric \(update.family): series limit of \(maxSeries) reached")
                        continue
                    }
                }
                var value = update.value
                if update.mode == .add, let existing, let sum = Self.add(existing.value, update.value) { value = sum }
                if existing == nil {
                    state.seriesCount += 1
                    if state.families[update.family] == nil {
                        state.families[update.family] = Family(type: update.type, help: update.help, unit: update.unit)
                    }
                }
                state.families[update.family]?.series[update.labels] = Series(value: value, updatedNanos: time)
            }
        }
        return rejections
    }

    func collect() -> [CollectedFamily] {
        let time = now()
        return state.withLock { state in
            sweep(&state, at: time)
            return state.families.map { name, family in
                CollectedFamily(
                    name: name, type: family.type, help: family.help, unit: family.unit,
                    series: family.series.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map { labels, series in
                        CollectedSeries(labels: labels.map { ($0.name, $0.value) }, value: series.value)
                    })
            }
        }
    }

    /// Drops series not updated within the staleness window, and families left empty.
    private func sweep(_ state: inout State, at time: UInt64) {
        guard time > staleAfterNanos else { return }
        let cutoff = time - staleAfterNanos
        for name in Array(state.families.keys) {
            guard let family = state.families[name] else { continue }
            let stale = family.series.filter { $0.value.updatedNanos < cutoff }.keys
            guard !stale.isEmpty else { continue }
            for key in stale { state.families[name]?.series[key] = nil }
            state.seriesCount -= stale.count
            if state.families[name]?.series.isEmpty == true { state.families[name] = nil }
        }
    }

    /// A delta added to a stored value, or nil when their shapes differ (then the delta
    /// replaces the stored value, as after a reset).
    private static func add(_ stored: CollectedSeries.Value, _ delta: CollectedSeries.Value) -> CollectedSeries.Value? {
        switch (stored, delta) {
        case (.number(let total), .number(let increment)):
            return .number(total + increment)
        case (.histogram(let bounds, let counts, let sum), .histogram(let newBounds, let newCounts, let newSum))
        where bounds == newBounds && counts.count == newCounts.count:
            let total: Double? = switch (sum, newSum) {
            case (let a?, let b?): a + b
            default: nil
            }
            return .histogram(bounds: bounds, bucketCounts: zip(counts, newCounts).map { $0 &+ $1 }, sum: total)
        default:
            return nil
        }
    }
}
