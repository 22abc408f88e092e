/// What propagators carry across a process boundary: the span context and the baggage.
public struct PropagationContext: Sendable, Hashable {
    /// The caller's span (remote after extraction), or nil.
    public var spanContext: SpanContext?
    /// Application-defined key–values that travel with the request.
    public var baggage: Baggage

    /// Creates a context.
    public init(spanContext: SpanContext? = nil, baggage: Baggage = Baggage()) {
        self.spanContext = spanContext
        self.baggage = baggage
    }

    /// The current span's context and the current baggage.
    public static var current: PropagationContext {
        PropagationContext(spanContext: Span.current?.context, baggage: Baggage.current ?? Baggage())
    }
}

/// Injects a `PropagationContext` into outgoing requests and extracts it from incoming ones.
public protocol TextMapPropagator: Sendable {
    /// The header names this propagator reads and writes.
    var fields: [String] { get }

    /// Writes `context` into `carrier`.
    func inject<Injector: TextMapInjector>(
        _ context: PropagationContext, into carrier: inout Injector.Carrier, using injector: Injector)

    /// Reads from `carrier` into `context`, leaving what it does not find (or finds invalid)
    /// unchanged.
    func extract<Extractor: TextMapExtractor>(
        from carrier: Extractor.Carrier, using extractor: Extractor, into context: inout PropagationContext)
}

extension TextMapPropagator {
    /// Headers for `context` (by default the current one) as a dictionary.
    public func headers(for context: PropagationContext = .current) -> [String: String] {
        var headers: [String: String] = [:]
        inject(context, into: &headers, using: DictionaryInjector())
        return headers
    }

    /// The context carried by `headers` (names matched case-insensitively).
    public func extract(headers: [String: String]) -> PropagationContext {
        var context = PropagationContext()
        extract(from: headers, using: DictionaryExtractor(), into: &context)
        return context
    }
}
