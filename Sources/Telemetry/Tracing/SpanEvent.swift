/// Something that happened at a point in a span's life, with its own attributes.
public struct SpanEvent: Sendable, Hashable {
    /// What happened.
    public var name: String
    /// When, in nanoseconds since the Unix epoch.
    public var timestamp: UInt64
    /// Details.
    public var attributes: SpanAttributes
    /// Attributes dropped by the event attribute limit.
    public var droppedAttributesCount: Int

    /// Creates an event; the time defaults to now.
    public init(
        _ name: String, attributes: SpanAttributes = [:], timestamp: UInt64 = SpanClock.nanoseconds(),
        droppedAttributesCount: Int = 0
    ) {
        self.name = name
        self.timestamp = timestamp
        self.attributes = attributes
        self.droppedAttributesCount = droppedAttributesCount
    }
}
