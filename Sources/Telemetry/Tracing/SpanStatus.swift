/// The outcome of the operation a span represents.
///
/// Per the OpenTelemetry API, `ok` is final, `error` may be replaced only by `ok`, and setting
/// `unset` is ignored.
public enum SpanStatus: Sendable, Hashable {
    /// No status was set (the default).
    case unset
    /// The operation was explicitly marked as successful.
    case ok
    /// The operation failed; the description says why.
    case error(description: String)
}
