/// One log record as it is exported.
public struct LogRecordData: Sendable, Hashable {
    /// When the event happened, nanoseconds since the Unix epoch.
    public var timestamp: UInt64
    /// When the SDK saw it, nanoseconds since the Unix epoch.
    public var observedTimestamp: UInt64
    /// The severity number.
    public var severity: LogSeverity
    /// The severity as the source named it (for swift-log, the level: `NOTICE`, `WARNING`, …).
    public var severityText: String
    /// The message.
    public var body: LogValue
    /// The record's attributes.
    public var attributes: [String: LogValue]
    /// The span current when the record was written, which correlates it with its trace.
    public var spanContext: SpanContext?
    /// The event name (empty for plain logs).
    public var eventName: String
    /// The entity that wrote the record.
    public var resource: Resource
    /// The logger that wrote it.
    public var scope: InstrumentationScope

    /// Creates a record.
    public init(
        timestamp: UInt64, observedTimestamp: UInt64? = nil, severity: LogSeverity, severityText: String = "",
        body: LogValue, attributes: [String: LogValue] = [:], spanContext: SpanContext? = nil, eventName: String = "",
        resource: Resource = Resource(), scope: InstrumentationScope = InstrumentationScope(name: "")
    ) {
        self.timestamp = timestamp
        self.observedTimestamp = observedTimestamp ?? timestamp
        self.severity = severity
        self.severityText = severityText
        self.body = body
        self.attributes = attributes
        self.spanContext = spanContext
        self.eventName = eventName
        self.resource = resource
        self.scope = scope
    }
}
