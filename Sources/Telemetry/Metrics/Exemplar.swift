/// A sample from a trace attached to a counter or a histogram bucket, shown in OpenMetrics as
/// `# {trace_id="…",span_id="…"} value timestamp`.
public struct Exemplar: Sendable, Equatable {
    /// The trace id as 32 lowercase hex characters.
    public var traceID: String
    /// The span id as 16 lowercase hex characters.
    public var spanID: String
    /// The observed value.
    public var value: Double
    /// Seconds since the Unix epoch when the value was observed.
    public var timestamp: Double

    /// Creates an exemplar; `timestamp` defaults to now.
    public init(traceID: String, spanID: String, value: Double, timestamp: Double = WallClock.now()) {
        self.traceID = traceID
        self.spanID = spanID
        self.value = value
        self.timestamp = timestamp
    }
}
