/// Starts spans for one instrumentation scope (a library or component).
///
/// Get one from `TracerProvider.tracer(_:version:)`. Cheap to copy and safe to share.
public struct Tracer: Sendable {
    /// The library or component this tracer names in exported spans.
    public let scope: InstrumentationScope
    @usableFromInline let pipeline: TracerPipeline

    init(scope: InstrumentationScope, pipeline: TracerPipeline) {
        self.scope = scope
        self.pipeline = pipeline
    }

    /// Starts a span. End it with `Span.end()`.
    ///
    /// - Parameters:
    ///   - name: The operation name.
    ///   - parent: The parent's context; by default the current span's. Pass nil for a new trace.
    ///     An invalid context also starts a new trace.
    ///   - kind: The span's role.
    ///   - attributes: Attributes known at the start (samplers see them).
    ///   - links: Links known at the start (samplers see them).
    ///   - startTime: Nanoseconds since the Unix epoch; by default now.
    @inlinable
    public func startSpan(
        _ name: String, parent: SpanContext? = Span.current?.context, kind: SpanKind = .internal,
        attributes: SpanAttributes = [:], links: [SpanLink] = [], startTime: UInt64? = nil
    ) -> Span {
        // (Not `flatMap`: its closure copied the context through generic value witnesses,
        // a third of an unsampled span.)
        let parent: SpanContext? = if let parent, parent.isValid { parent } else { nil }
        // A built-in sampler decides here, inlined into the caller: a span it drops needs only
        // its ids (measured: a quarter of the unsampled span's cost went to the calls).
        let decided = pipeline.builtInSampling?.decision(parent: parent)
        if case .drop? = decided {
            return Span(context: Self.droppedContext(parent: parent), recorder: nil)
        }
        return start(
            name, parent: parent, kind: kind, attributes: attributes, links: links, startTime: startTime, decided: decided)
    }

    /// The context of a span that is not recorded: new ids, the parent's trace state.
    @inlinable
    static func droppedContext(parent: SpanContext?) -> SpanContext {
        let (traceID, spanID) = ids(parent: parent)
        guard let parent else { return SpanContext(traceID: traceID, spanID: spanID) }
        return SpanContext(traceID: traceID, spanID: spanID, traceState: parent.traceState)
    }

    /// A new span's ids: the parent's trace, or a new one.
    @inlinable
    static func ids(parent: SpanContext?) -> (TraceID, SpanID) {
        guard let parent else { return RandomIDSource.newTrace() }
        return (parent.traceID, SpanID.random())
    }

    /// `startSpan` past the built-in samplers' drop: ids, the sampler's decision unless `decided`
    /// already holds it, the recorder.
    @usableFromInline
    func start(
        _ name: String, parent: SpanContext?, kind: SpanKind, attributes: SpanAttributes, links: [SpanLink],
        startTime: UInt64?, decided: SamplingDecision?
    ) -> Span {
        let (traceID, spanID) = Self.ids(parent: parent)
        let decision: SamplingDecision
        var samplerAttributes = SpanAttributes()
        var traceState = parent?.traceState
        if let decided {
            decision = decided
        } else {
            let sampling = pipeline.sampler.shouldSample(
                parentContext: parent, traceID: traceID, name: name, kind: kind, attributes: attributes, links: links)
            decision = sampling.decision
            samplerAttributes = sampling.attributes
            if let state = sampling.traceState { traceState = state }
        }
        let context = SpanContext(
            traceID: traceID, spanID: spanID, traceFlags: decision == .recordAndSample ? .sampled : [],
            traceState: traceState ?? TraceState())
        guard decision != .drop, !pipeline.isStopped else {
            return Span(context: context, recorder: nil)
        }
        let recorder = pipeline.makeRecorder()
        recorder.begin(
            name, context: context, parent: parent, kind: kind, startTime: startTime ?? SpanClock.nanoseconds(),
            attributes: attributes, samplerAttributes: samplerAttributes, links: links, scope: scope)
        let span = Span(context: context, recorder: recorder)
        // The batch processor does nothing at the start: alone, it need not be told.
        if pipeline.soleBatchProcessor == nil {
            for processor in pipeline.processors { processor.onStart(span, parent: parent) }
        }
        return span
    }

    /// Runs `body` in a new span that is current inside it and ended when it returns. An error
    /// thrown by `body` is recorded, sets the status to `error`, and is rethrown.
    @inlinable
    public func withSpan<Result>(
        _ name: String, parent: SpanContext? = Span.current?.context, kind: SpanKind = .internal,
        attributes: SpanAttributes = [:], links: [SpanLink] = [], _ body: (Span) throws -> Result
    ) rethrows -> Result {
        let span = startSpan(name, parent: parent, kind: kind, attributes: attributes, links: links)
        defer { span.end() }
        do {
            return try Self.makingCurrent(span) { try body(span) }
        } catch {
            span.fail(with: error)
            throw error
        }
    }

    /// Runs the async `body` in a new span that is current inside it (and in its child tasks)
    /// and ended when it returns. An error thrown by `body` is recorded, sets the status to
    /// `error`, and is rethrown.
    @inlinable
    public func withSpan<Result>(
        _ name: String, parent: SpanContext? = Span.current?.context, kind: SpanKind = .internal,
        attributes: SpanAttributes = [:], links: [SpanLink] = [],
        isolation: isolated (any Actor)? = #isolation, _ body: (Span) async throws -> Result
    ) async rethrows -> Result {
        let span = startSpan(name, parent: parent, kind: kind, attributes: attributes, links: links)
        defer { span.end() }
        do {
            return try await Self.makingCurrent(span) { try await body(span) }
        } catch {
            span.fail(with: error)
            throw error
        }
    }

    /// Wraps `function` so that every call runs in a span named `name`.
    public func traced<Input, Output>(
        _ name: String, kind: SpanKind = .internal, _ function: @escaping @Sendable (Input) throws -> Output
    ) -> @Sendable (Input) throws -> Output {
        let tracer = self
        return { input in try tracer.withSpan(name, kind: kind) { _ in try function(input) } }
    }

    /// Wraps the async `function` so that every call runs in a span named `name`.
    public func traced<Input: Sendable, Output: Sendable>(
        _ name: String, kind: SpanKind = .internal, _ function: @escaping @Sendable (Input) async throws -> Output
    ) -> @Sendable (Input) async throws -> Output {
        let tracer = self
        return { input in try await tracer.withSpan(name, kind: kind) { _ in try await function(input) } }
    }
}
