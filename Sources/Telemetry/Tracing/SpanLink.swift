/// A reference from one span to another span, in the same trace or another one (for example
/// the message a consumer span handles, or the spans a batch job aggregates).
public struct SpanLink: Sendable, Hashable {
    /// The linked span.
    public var context: SpanContext
    /// What the link means.
    public var attributes: SpanAttributes
    /// Attributes dropped by the link attribute limit.
    public var droppedAttributesCount: Int

    /// Creates a link to `context`.
    public init(_ context: SpanContext, attributes: SpanAttributes = [:], droppedAttributesCount: Int = 0) {
        self.context = context
        self.attributes = attributes
        self.droppedAttributesCount = droppedAttributesCount
    }

    /// Creates a link to `span`.
    public init(to span: Span, attributes: SpanAttributes = [:]) {
        self.init(span.context, attributes: attributes)
    }
}
