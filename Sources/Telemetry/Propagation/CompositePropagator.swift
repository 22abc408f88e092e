/// Runs several propagators in order, for example trace context then baggage.
public struct CompositePropagator: TextMapPropagator {
    /// The propagators, in the order they run.
    public let propagators: [any TextMapPropagator]

    /// Creates the composite.
    public init(_ propagators: [any TextMapPropagator]) {
        self.propagators = propagators
    }

    /// W3C trace context and W3C baggage: the OpenTelemetry default.
    public static let w3c = CompositePropagator([TraceContextPropagator(), BaggagePropagator()])

    /// The propagators `OTEL_PROPAGATORS` lists (`tracecontext`, `baggage`, `none`; the default
    /// is both W3C ones). Unknown names are logged and skipped.
    public static func fromEnvironment(_ environment: [String: String] = Environment.variables) -> CompositePropagator {
        let reader = EnvironmentReader(environment)
        guard let list = reader.string("OTEL_PROPAGATORS") else { return .w3c }
        var chosen: [any TextMapPropagator] = []
        for name in list.split(separator: ",").map({ $0.trimmingOWS().lowercased() }) {
            switch name {
            case "tracecontext": chosen.append(TraceContextPropagator())
            case "baggage": chosen.append(BaggagePropagator())
            case "none": return CompositePropagator([])
            default: reader.warn("OTEL_PROPAGATORS", name, expected: "tracecontext, baggage or none")
            }
        }
        return CompositePropagator(chosen)
    }

    public var fields: [String] { propagators.flatMap(\.fields) }

    public func inject<Injector: TextMapInjector>(
        _ context: PropagationContext, into carrier: inout Injector.Carrier, using injector: Injector
    ) {
        for propagator in propagators { propagator.inject(context, into: &carrier, using: injector) }
    }

    public func extract<Extractor: TextMapExtractor>(
        from carrier: Extractor.Carrier, using extractor: Extractor, into context: inout PropagationContext
    ) {
        for propagator in propagators { propagator.extract(from: carrier, using: extractor, into: &context) }
    }
}
