/// Supplies metric families at exposition time, for values kept outside the registry's
/// instruments (for example metrics received from other processes).
///
/// `collect()` is called once per scrape, on the scraping thread. Families it returns are
/// written after the registry's own; one whose name is already registered is skipped.
public protocol MetricCollector: Sendable {
    /// The families to expose now.
    func collect() -> [CollectedFamily]
}

/// One family produced by a `MetricCollector`.
public struct CollectedFamily: Sendable {
    /// The family name; for counters without `_total`, for info families without `_info`.
    public var name: String
    /// How the family is exposed.
    public var type: MetricType
    /// Free text shown in `# HELP`.
    public var help: String
    /// The unit; written in OpenMetrics only when the name ends with `_<unit>`.
    public var unit: String
    /// The series, in the order they are written.
    public var series: [CollectedSeries]

    /// Creates a family.
    public init(name: String, type: MetricType, help: String = "", unit: String = "", series: [CollectedSeries]) {
        self.name = name
        self.type = type
        self.help = help
        self.unit = unit
        self.series = series
    }
}

/// One series of a collected family: its labels and its current value.
public struct CollectedSeries: Sendable {
    /// Label names and values; names must be valid Prometheus label names.
    public var labels: [(name: String, value: String)]
    /// The value, which must match the family's type.
    public var value: Value

    /// The value of a series.
    public enum Value: Sendable {
        /// A counter, gauge or info value.
        case number(Double)
        /// Explicit buckets: ascending upper bounds and the count in each bucket, the last
        /// count (one more than `bounds`) being the `+Inf` bucket's own.
        case histogram(bounds: [Double], bucketCounts: [UInt64], sum: Double?)
        /// Quantiles with the count and sum of observations.
        case summary(quantiles: [(quantile: Double, value: Double)], count: UInt64, sum: Double)
    }

    /// Creates a series.
    public init(labels: [(name: String, value: String)], value: Value) {
        self.labels = labels
        self.value = value
    }
}
