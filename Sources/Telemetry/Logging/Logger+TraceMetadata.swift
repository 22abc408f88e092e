import Logging

extension Logger.MetadataProvider {
    /// Adds `trace_id` and `span_id` of the current span (from `Span.current`, or from
    /// swift-distributed-tracing's `ServiceContext`) to any handler's output, so console logs
    /// show which trace they belong to.
    ///
    /// ```swift
    /// LoggingSystem.bootstrap(StreamLogHandler.standardOutput, metadataProvider: .telemetryTrace)
    /// ```
    public static let telemetryTrace = Logger.MetadataProvider {
        guard let context = SpanContext.active else { return [:] }
        return ["trace_id": .string(context.traceID.hex), "span_id": .string(context.spanID.hex)]
    }
}
