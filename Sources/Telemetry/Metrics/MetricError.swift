/// An error raised when a metric is registered or addressed in a way that cannot be honoured.
///
/// Every case names the metric or label at fault so the message can be shown to a user as is.
public enum MetricError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The metric name does not match `[a-zA-Z_:][a-zA-Z0-9_:]*`.
    case invalidMetricName(String)
    /// A label name does not match `[a-zA-Z_][a-zA-Z0-9_]*`, or is reserved.
    case invalidLabelName(metric: String, label: String, reason: String)
    /// The unit is not a valid name fragment, or the metric name does not end with it.
    case invalidUnit(metric: String, unit: String, reason: String)
    /// Histogram bucket bounds are not finite and strictly increasing.
    case invalidBuckets(metric: String, reason: String)
    /// A name is already registered with another type, labels, unit or buckets,
    /// or one of its exposed sample names collides with another family's.
    case conflictingRegistration(metric: String, reason: String)
    /// A child was addressed with the wrong number of label values.
    case labelCountMismatch(metric: String, expected: Int, got: Int)
    /// A child was addressed with an attribute that is not one of the family's label names.
    case unknownLabel(metric: String, label: String)

    public var description: String {
        switch self {
        case .invalidMetricName(let name):
            return "invalid metric name \"\(name)\": must match [a-zA-Z_:][a-zA-Z0-9_:]*"
        case .invalidLabelName(let metric, let label, let reason):
            return "metric \"\(metric)\": invalid label name \"\(label)\": \(reason)"
        case .invalidUnit(let metric, let unit, let reason):
            return "metric \"\(metric)\": invalid unit \"\(unit)\": \(reason)"
        case .invalidBuckets(let metric, let reason):
            return "metric \"\(metric)\": invalid buckets: \(reason)"
        case .conflictingRegistration(let metric, let reason):
            return "metric \"\(metric)\" conflicts with an existing registration: \(reason)"
        case .labelCountMismatch(let metric, let expected, let got):
            return "metric \"\(metric)\" has \(expected) label names but \(got) values were given"
        case .unknownLabel(let metric, let label):
            return "metric \"\(metric)\" has no label named \"\(label)\""
        }
    }
}
