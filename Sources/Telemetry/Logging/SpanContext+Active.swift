import Instrumentation

extension SpanContext {
    /// The valid context of the span current here: `Span.current`, or the span in
    /// swift-distributed-tracing's `ServiceContext` when only that API made it current.
    static var active: SpanContext? {
        guard let context = Span.current?.context ?? ServiceContext.current?[TelemetrySpanContextKey.self],
            context.isValid
        else { return nil }
        return context
    }
}
