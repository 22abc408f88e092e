/// The kind of a metric family, as it appears in a `# TYPE` line.
public enum MetricType: String, Sendable, Equatable {
    case counter
    case gauge
    case histogram
    /// Quantiles with a count and a sum; only produced by collectors.
    case summary
    /// OpenMetrics' info type (a `_info` sample of value 1); written as a gauge in text 0.0.4.
    case info
}
