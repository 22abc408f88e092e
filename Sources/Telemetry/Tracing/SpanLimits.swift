/// How many attributes a span, event or link may carry and how long their strings may be.
public struct AttributeLimits: Sendable, Hashable {
    /// The most attributes; more are dropped and counted.
    public var count: Int
    /// The most characters in a string value (and in each string of an array); nil for no limit.
    public var valueLength: Int?

    /// Creates limits.
    public init(count: Int = 128, valueLength: Int? = nil) {
        self.count = count
        self.valueLength = valueLength
    }
}

/// The span limits of the OpenTelemetry SDK specification, with its defaults (128 of each, no
/// value length limit). What goes past a limit is dropped and counted in the exported span.
public struct SpanLimits: Sendable, Hashable {
    /// Limits on the span's own attributes.
    public var attributes: AttributeLimits
    /// The most events per span.
    public var eventCount: Int
    /// The most links per span.
    public var linkCount: Int
    /// Limits on each event's attributes.
    public var eventAttributes: AttributeLimits
    /// Limits on each link's attributes.
    public var linkAttributes: AttributeLimits

    /// Creates limits; the defaults are the specification's.
    public init(
        attributes: AttributeLimits = AttributeLimits(), eventCount: Int = 128, linkCount: Int = 128,
        eventAttributes: AttributeLimits = AttributeLimits(), linkAttributes: AttributeLimits = AttributeLimits()
    ) {
        self.attributes = attributes
        self.eventCount = eventCount
        self.linkCount = linkCount
        self.eventAttributes = eventAttributes
        self.linkAttributes = linkAttributes
    }

    /// The limits set by `OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT`, `OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT`,
    /// `OTEL_SPAN_EVENT_COUNT_LIMIT`, `OTEL_SPAN_LINK_COUNT_LIMIT`, `OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT`,
    /// `OTEL_LINK_ATTRIBUTE_COUNT_LIMIT` and the general `OTEL_ATTRIBUTE_COUNT_LIMIT` and
    /// `OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT`. Unset or unparsable variables keep the default.
    public static func fromEnvironment(_ environment: [String: String] = Environment.variables) -> SpanLimits {
        let reader = EnvironmentReader(environment)
        let count = reader.integer("OTEL_ATTRIBUTE_COUNT_LIMIT") ?? 128
        let length = reader.integer("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT")
        return SpanLimits(
            attributes: AttributeLimits(
                count: reader.integer("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT") ?? count,
                valueLength: reader.integer("OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT") ?? length),
            eventCount: reader.integer("OTEL_SPAN_EVENT_COUNT_LIMIT") ?? 128,
            linkCount: reader.integer("OTEL_SPAN_LINK_COUNT_LIMIT") ?? 128,
            eventAttributes: AttributeLimits(
                count: reader.integer("OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT") ?? count, valueLength: length),
            linkAttributes: AttributeLimits(
                count: reader.integer("OTEL_LINK_ATTRIBUTE_COUNT_LIMIT") ?? count, valueLength: length))
    }
}
