/// Owns the tracing pipeline of an application: resource, sampler, span limits and processors.
///
/// Create one at start-up, get tracers from it, and call `shutdown()` before the process exits
/// so that queued spans are exported.
///
/// ```swift
/// let provider = TracerProvider(processors: [BatchSpanProcessor(exporter: try OTLPHTTPSpanExporter())])
/// let tracer = provider.tracer("checkout")
/// try await tracer.withSpan("charge") { span in … }
/// await provider.shutdown()
/// ```
public final class TracerProvider: Sendable {
    let pipeline: TracerPipeline

    /// Creates a provider.
    ///
    /// - Parameters:
    ///   - resource: The entity producing spans; by default read from `OTEL_SERVICE_NAME` and
    ///     `OTEL_RESOURCE_ATTRIBUTES`.
    ///   - sampler: By default the one `OTEL_TRACES_SAMPLER` names (parent-based always-on when unset).
    ///   - limits: By default the specification's, overridden by `OTEL_*_LIMIT` variables.
    ///   - processors: Every ended, recorded span goes to each, in order.
    public init(
        resource: Resource = .fromEnvironment(), sampler: any Sampler = SamplerConfiguration.fromEnvironment(),
        limits: SpanLimits = .fromEnvironment(), processors: [any SpanProcessor]
    ) {
        pipeline = TracerPipeline(resource: resource, sampler: sampler, limits: limits, processors: processors)
    }

    /// The resource spans are reported with.
    public var resource: Resource { pipeline.resource }

    /// The sampler deciding which traces are recorded.
    public var sampler: any Sampler { pipeline.sampler }

    /// A tracer for the library or component `name`.
    public func tracer(_ name: String, version: String = "") -> Tracer {
        Tracer(scope: InstrumentationScope(name: name, version: version), pipeline: pipeline)
    }

    /// Exports every span that has ended so far, through every processor.
    public func forceFlush() async {
        for processor in pipeline.processors { await processor.forceFlush() }
    }

    /// Stops recording new spans, exports what is queued and shuts the processors down.
    /// Calling it again does nothing.
    public func shutdown() async {
        guard pipeline.stop() else { return }
        for processor in pipeline.processors { await processor.shutdown() }
    }
}
