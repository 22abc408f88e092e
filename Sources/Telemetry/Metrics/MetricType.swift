/// The kind of a metric family, as it appears in a `# TYPE` line.
public enum MetricType: String, Sendable, Equatable {
    case counter
    case gauge
    case histogram
}
