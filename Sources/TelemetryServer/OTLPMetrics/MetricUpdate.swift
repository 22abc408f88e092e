import Telemetry

/// One label of a converted series.
struct MetricLabel: Hashable, Sendable, Comparable {
    var name: String
    var value: String

    static func < (lhs: MetricLabel, rhs: MetricLabel) -> Bool {
        (lhs.name, lhs.value) < (rhs.name, rhs.value)
    }
}

/// One OTLP data point turned into a Prometheus series value, ready for `OTLPMetricStore`.
struct MetricUpdate: Sendable {
    /// How the point changes the stored series.
    enum Mode: Sendable, Equatable {
        /// The point is the series' current value (gauges, cumulative sums and histograms).
        case replace
        /// The point is an increment since the previous one (delta temporality).
        case add
        /// The point carries the "no recorded value" flag: the series is gone.
        case remove
    }

    var family: String
    var type: MetricType
    var help: String
    var unit: String
    /// Sorted by name, names unique.
    var labels: [MetricLabel]
    var value: CollectedSeries.Value
    var mode: Mode
}
