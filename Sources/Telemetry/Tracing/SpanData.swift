/// A finished span as processors and exporters see it: everything recorded, read-only.
public struct SpanData: Sendable {
    /// The operation name.
    public var name: String
    /// The span's own context.
    public var context: SpanContext
    /// The parent span, or nil for a root span.
    public var parentSpanID: SpanID?
    /// Whether the parent came from another process.
    public var parentIsRemote: Bool
    /// The span's role.
    public var kind: SpanKind
    /// Start, in nanoseconds since the Unix epoch.
    public var startTime: UInt64
    /// End, in nanoseconds since the Unix epoch (0 while the span is running).
    public var endTime: UInt64
    /// The span's attributes.
    public var attributes: SpanAttributes
    /// Attributes dropped by the attribute limit.
    public var droppedAttributesCount: Int
    /// Events, in the order they were added.
    public var events: [SpanEvent]
    /// Events dropped by the event limit.
    public var droppedEventsCount: Int
    /// Links to other spans.
    public var links: [SpanLink]
    /// Links dropped by the link limit.
    public var droppedLinksCount: Int
    /// The outcome.
    public var status: SpanStatus
    /// The entity that produced the span.
    public var resource: Resource
    /// The library that created the span.
    public var scope: InstrumentationScope

    /// Creates span data; exporters' tests build spans this way.
    public init(
        name: String, context: SpanContext, parentSpanID: SpanID? = nil, parentIsRemote: Bool = false,
        kind: SpanKind = .internal, startTime: UInt64, endTime: UInt64 = 0, attributes: SpanAttributes = [:],
        droppedAttributesCount: Int = 0, events: [SpanEvent] = [], droppedEventsCount: Int = 0,
        links: [SpanLink] = [], droppedLinksCount: Int = 0, status: SpanStatus = .unset,
        resource: Resource = Resource(), scope: InstrumentationScope = InstrumentationScope(name: "")
    ) {
        self.name = name
        self.context = context
        self.parentSpanID = parentSpanID
        self.parentIsRemote = parentIsRemote
        self.kind = kind
        self.startTime = startTime
        self.endTime = endTime
        self.attributes = attributes
        self.droppedAttributesCount = droppedAttributesCount
        self.events = events
        self.droppedEventsCount = droppedEventsCount
        self.links = links
        self.droppedLinksCount = droppedLinksCount
        self.status = status
        self.resource = resource
        self.scope = scope
    }

    /// The duration in nanoseconds.
    public var duration: UInt64 { endTime >= startTime ? endTime - startTime : 0 }
}
