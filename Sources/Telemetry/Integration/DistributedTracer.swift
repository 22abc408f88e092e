import Instrumentation
import Tracing

/// A `swift-distributed-tracing` tracer backed by this SDK, so code instrumented with the
/// `Tracing` API (`withSpan`, `startSpan`, `InstrumentationSystem.tracer`) records Telemetry spans.
///
/// ```swift
/// InstrumentationSystem.bootstrap(DistributedTracer(provider.tracer("app"), provider: provider))
/// ```
///
/// The span context travels in `InstrumentationContext` (under `TelemetrySpanContextKey`), and
/// `inject`/`extract` use W3C trace context and baggage by default. When the context handed to
/// `startSpan` carries no span, the current Telemetry span (`Span.current`) is the parent, so
/// the two APIs nest either way.
public struct DistributedTracer: Tracing.Tracer {
    public typealias Span = DistributedSpan

    /// The tracer spans are started with.
    public let tracer: Telemetry.Tracer
    /// Reads and writes headers in `inject` and `extract`.
    public let propagator: any TextMapPropagator
    private let provider: TracerProvider?

    /// Creates the tracer; `provider` (optional) is flushed by `forceFlush()`.
    public init(
        _ tracer: Telemetry.Tracer, provider: TracerProvider? = nil,
        propagator: any TextMapPropagator = CompositePropagator.w3c
    ) {
        self.tracer = tracer
        self.provider = provider
        self.propagator = propagator
    }

    public func startSpan<Instant: TracerInstant>(
        _ operationName: String, context: @autoclosure () -> InstrumentationContext, ofKind kind: Tracing.SpanKind,
        at instant: @autoclosure () -> Instant, function: String, file fileID: String, line: UInt
    ) -> DistributedSpan {
        var spanContext = context()
        let parent = spanContext[TelemetrySpanContextKey.self] ?? Telemetry.Span.current?.context
        let span = tracer.startSpan(
            operationName, parent: parent, kind: Self.kind(kind), startTime: instant().nanosecondsSinceEpoch)
        spanContext[TelemetrySpanContextKey.self] = span.context
        return DistributedSpan(span, context: spanContext, name: operationName)
    }

    /// Starts a flush of the provider's processors in the background (the protocol's
    /// requirement is synchronous); `await provider.forceFlush()` waits for it.
    public func forceFlush() {
        guard let provider else { return }
        Task { await provider.forceFlush() }
    }

    public func extract<Carrier, Extract: Extractor>(
        _ carrier: Carrier, into context: inout InstrumentationContext, using extractor: Extract
    ) where Extract.Carrier == Carrier {
        var propagated = PropagationContext()
        propagator.extract(from: carrier, using: ExtractorAdapter(extractor), into: &propagated)
        if let spanContext = propagated.spanContext { context[TelemetrySpanContextKey.self] = spanContext }
        if !propagated.baggage.isEmpty { context[TelemetryBaggageKey.self] = propagated.baggage }
    }

    public func inject<Carrier, Inject: Injector>(
        _ context: InstrumentationContext, into carrier: inout Carrier, using injector: Inject
    ) where Inject.Carrier == Carrier {
        let propagated = PropagationContext(
            spanContext: context[TelemetrySpanContextKey.self], baggage: context[TelemetryBaggageKey.self] ?? Baggage())
        propagator.inject(propagated, into: &carrier, using: InjectorAdapter(injector))
    }

    static func kind(_ kind: Tracing.SpanKind) -> Telemetry.SpanKind {
        switch kind {
        case .server: return .server
        case .client: return .client
        case .producer: return .producer
        case .consumer: return .consumer
        default: return .internal
        }
    }
}

/// The key under which a Telemetry span context travels in an `InstrumentationContext`.
public enum TelemetrySpanContextKey: InstrumentationContextKey {
    public typealias Value = SpanContext
    public static var nameOverride: String? { "telemetry-span-context" }
}

/// The key under which W3C baggage travels in an `InstrumentationContext`.
public enum TelemetryBaggageKey: InstrumentationContextKey {
    public typealias Value = Baggage
    public static var nameOverride: String? { "telemetry-baggage" }
}

/// Lets a propagator read through a `swift-distributed-tracing` extractor.
private struct ExtractorAdapter<Wrapped: Extractor>: TextMapExtractor {
    let wrapped: Wrapped
    init(_ wrapped: Wrapped) { self.wrapped = wrapped }
    func extract(key: String, from carrier: Wrapped.Carrier) -> String? { wrapped.extract(key: key, from: carrier) }
}

/// Lets a propagator write through a `swift-distributed-tracing` injector.
private struct InjectorAdapter<Wrapped: Injector>: TextMapInjector {
    let wrapped: Wrapped
    init(_ wrapped: Wrapped) { self.wrapped = wrapped }
    func inject(_ value: String, forKey key: String, into carrier: inout Wrapped.Carrier) {
        wrapped.inject(value, forKey: key, into: &carrier)
    }
}
