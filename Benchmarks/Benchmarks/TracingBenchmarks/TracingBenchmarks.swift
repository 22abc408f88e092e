import Benchmark
import Instrumentation
import NIOHTTP1
import OTel
import ServiceLifecycle
import Telemetry
import Tracing

// Each workload runs against Telemetry and against swift-otel 1.6.0 in the same run, so the
// ratio holds while the shared machine's absolute speed drifts. Both sides use a batch span
// processor whose exporter does nothing, so the numbers are the cost on the application's
// thread: start, record, end and hand over to the processor. Each benchmark's tracer is made
// once, in its setup, and serves every sample: an application's tracer lives as long as the
// application, and its processor's steady state (not a cold start per sample) is what it pays.

/// An exporter that accepts everything at once.
struct DiscardingExporter: SpanExporter {
    func export(_ spans: [SpanData]) async -> ExportResult { .success }
}

func telemetryTracer(sampled: Bool) -> (Telemetry.Tracer, TracerProvider) {
    let provider = TracerProvider(
        resource: Resource(attributes: ["service.name": "bench"]),
        sampler: sampled ? AlwaysOnSampler() : AlwaysOffSampler(),
        processors: [BatchSpanProcessor(exporter: DiscardingExporter(), configuration: BatchSpanProcessorConfiguration())])
    return (provider.tracer("bench"), provider)
}

/// swift-otel's tracer with its batch processor running and no exporter, as
/// `OTel.makeTracingBackend` builds it.
func otelTracer(sampled: Bool) throws -> (some Tracing.Tracer, Task<Void, Never>) {
    var configuration = OTel.Configuration.default
    configuration.serviceName = "bench"
    configuration.diagnosticLogLevel = .error
    configuration.traces.sampler = sampled ? .alwaysOn : .alwaysOff
    configuration.traces.exporter = .none
    configuration.metrics.enabled = false
    configuration.logs.enabled = false
    let backend = try OTel.makeTracingBackend(configuration: configuration)
    let service = backend.service
    let task = Task<Void, Never> { try? await service.run() }
    return (backend.factory, task)
}

struct DictionaryInjector: Instrumentation.Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) { carrier[key] = value }
}

struct DictionaryExtractor: Instrumentation.Extractor {
    func extract(key: String, from carrier: [String: String]) -> String? { carrier[key] }
}

/// The fields of a typical outgoing API request, besides trace context.
let requestHeaders = HTTPHeaders([
    ("Host", "api.example.com"), ("User-Agent", "checkout/1.4"), ("Accept", "application/json"),
])

// The same two operations on NIO's `HTTPHeaders`: what an application on a SwiftNIO server or
// client (Vapor, AsyncHTTPClient) writes, one type for both SDKs' carrier protocols (their
// requirements are the same). Set replaces, as the OpenTelemetry specification's carrier Set
// does; names compare case-insensitively.
struct NIOHeadersInjector: Telemetry.TextMapInjector, Instrumentation.Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout HTTPHeaders) {
        carrier.replaceOrAdd(name: key, value: value)
    }
}

struct NIOHeadersExtractor: Telemetry.TextMapExtractor, Instrumentation.Extractor {
    func extract(key: String, from carrier: HTTPHeaders) -> String? { carrier.first(name: key) }
}

/// Measures `roundTrip` (an inject and an extract) on a new carrier each time, or
/// (`reusingCarrier`) on one request's headers, which already hold the request's other fields,
/// so that only what propagation adds to a request is measured: the header formatted, set
/// (replacing the previous iteration's) and read back.
@inline(__always)
func measureRoundTrips<Carrier>(
    _ benchmark: Benchmark, newCarrier: () -> Carrier, reusingCarrier: Bool, _ roundTrip: (inout Carrier) -> Void
) {
    var request = newCarrier()
    benchmark.startMeasurement()
    for _ in benchmark.scaledIterations {
        if reusingCarrier {
            roundTrip(&request)
        } else {
            var headers = newCarrier()
            roundTrip(&headers)
        }
    }
}

/// traceparent inject + extract through Telemetry's propagator (see `measureRoundTrips`).
@inline(__always)
func telemetryTraceparent<Injector: Telemetry.TextMapInjector, Extractor: Telemetry.TextMapExtractor>(
    _ benchmark: Benchmark, newCarrier: () -> Injector.Carrier, reusingCarrier: Bool = false,
    _ injector: Injector, _ extractor: Extractor
) where Extractor.Carrier == Injector.Carrier {
    let propagator = TraceContextPropagator()
    let context = PropagationContext(
        spanContext: SpanContext(traceID: .random(), spanID: .random(), traceFlags: .sampled))
    measureRoundTrips(benchmark, newCarrier: newCarrier, reusingCarrier: reusingCarrier) { headers in
        propagator.inject(context, into: &headers, using: injector)
        var extracted = PropagationContext()
        propagator.extract(from: headers, using: extractor, into: &extracted)
        blackHole(extracted)
    }
}

/// The same through swift-otel's tracer (its W3C propagator), with its batch processor running.
@inline(__always)
func otelTraceparent<Injector: Instrumentation.Injector, Extractor: Instrumentation.Extractor>(
    _ benchmark: Benchmark, newCarrier: () -> Injector.Carrier, reusingCarrier: Bool = false,
    _ injector: Injector, _ extractor: Extractor
) throws where Extractor.Carrier == Injector.Carrier {
    let (tracer, service) = try otelTracer(sampled: true)
    let span = tracer.startSpan("parent", context: .topLevel)
    let context = span.context
    measureRoundTrips(benchmark, newCarrier: newCarrier, reusingCarrier: reusingCarrier) { headers in
        tracer.inject(context, into: &headers, using: injector)
        var extracted = InstrumentationContext.topLevel
        tracer.extract(headers, into: &extracted, using: extractor)
        blackHole(extracted)
    }
    benchmark.stopMeasurement()
    span.end()
    service.cancel()
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput],
        scalingFactor: .kilo,
        maxDuration: .seconds(2),
        maxIterations: 100_000)

    // MARK: sampled span, 3 attributes

    Benchmark("sampled span 3 attributes / Telemetry") { benchmark, tracer in
        for _ in benchmark.scaledIterations {
            let span = tracer.startSpan("GET /users", parent: nil)
            span.setAttribute("http.method", "GET")
            span.setAttribute("http.status_code", 200)
            span.setAttribute("net.peer.name", "db-1")
            span.end()
        }
    } setup: {
        telemetryTracer(sampled: true).0
    }

    Benchmark("sampled span 3 attributes / Telemetry, attributes at start") { benchmark, tracer in
        for _ in benchmark.scaledIterations {
            let span = tracer.startSpan(
                "GET /users", parent: nil,
                attributes: ["http.method": "GET", "http.status_code": 200, "net.peer.name": "db-1"])
            span.end()
        }
    } setup: {
        telemetryTracer(sampled: true).0
    }

    Benchmark("sampled span 3 attributes / swift-otel") { benchmark, tracer in
        for _ in benchmark.scaledIterations {
            let span = tracer.startSpan("GET /users", context: .topLevel)
            span.updateAttributes { attributes in
                attributes["http.method"] = "GET"
                attributes["http.status_code"] = 200
                attributes["net.peer.name"] = "db-1"
            }
            span.end()
        }
    } setup: {
        try otelTracer(sampled: true).0
    }

    // MARK: unsampled span

    Benchmark("unsampled span / Telemetry") { benchmark, tracer in
        for _ in benchmark.scaledIterations {
            let span = tracer.startSpan("GET /users", parent: nil)
            span.setAttribute("http.method", "GET")
            span.end()
        }
    } setup: {
        telemetryTracer(sampled: false).0
    }

    Benchmark("unsampled span / swift-otel") { benchmark, tracer in
        for _ in benchmark.scaledIterations {
            let span = tracer.startSpan("GET /users", context: .topLevel)
            span.attributes["http.method"] = "GET"
            span.end()
        }
    } setup: {
        try otelTracer(sampled: false).0
    }

    // MARK: withSpan around an async body

    Benchmark("withSpan async body / Telemetry") { benchmark, tracer in
        for _ in benchmark.scaledIterations {
            let value = await tracer.withSpan("handle", parent: nil) { _ in await asyncWork() }
            blackHole(value)
        }
    } setup: {
        telemetryTracer(sampled: true).0
    }

    Benchmark("withSpan async body / swift-otel") { benchmark, tracer in
        for _ in benchmark.scaledIterations {
            let value = await tracer.withSpan("handle", context: .topLevel) { _ in await asyncWork() }
            blackHole(value)
        }
    } setup: {
        try otelTracer(sampled: true).0
    }

    // MARK: traceparent inject and extract

    Benchmark("traceparent inject+extract / Telemetry") { benchmark in
        telemetryTraceparent(benchmark, newCarrier: { [:] }, Telemetry.DictionaryInjector(), Telemetry.DictionaryExtractor())
    }

    // What the `[String: String]` carrier itself costs, with no propagator: the dictionary an
    // inject creates, its one 55-byte value, and the two lookups an extract makes (traceparent,
    // then the absent tracestate). The propagator lines cannot go below this one.
    Benchmark("traceparent carrier floor ([String: String] alone)") { benchmark in
        let key = "traceparent"
        let absent = "tracestate"
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            var headers: [String: String] = [:]
            headers[key] = String(unsafeUninitializedCapacity: 55) { buffer in
                buffer.initialize(repeating: UInt8(ascii: "0"))
                return 55
            }
            blackHole(headers[key])
            blackHole(headers[absent])
        }
    }

    // The carrier an HTTP request on SwiftNIO has: a list of header fields.
    Benchmark("traceparent inject+extract, NIO HTTPHeaders / Telemetry") { benchmark in
        telemetryTraceparent(benchmark, newCarrier: { HTTPHeaders() }, NIOHeadersInjector(), NIOHeadersExtractor())
    }

    // What NIO's `HTTPHeaders` itself costs with no propagator: the carrier the line above
    // creates, one 55-byte value set (replacing, as the injector does) and the two searches an
    // extract makes (traceparent, then the absent tracestate).
    Benchmark("traceparent carrier floor (NIO HTTPHeaders alone)") { benchmark in
        let key = "traceparent"
        let absent = "tracestate"
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            var headers = HTTPHeaders()
            headers.replaceOrAdd(
                name: key,
                value: String(unsafeUninitializedCapacity: 55) { buffer in
                    buffer.initialize(repeating: UInt8(ascii: "0"))
                    return 55
                })
            blackHole(headers.first(name: key))
            blackHole(headers.first(name: absent))
        }
    }

    Benchmark("traceparent inject+extract, NIO HTTPHeaders / swift-otel") { benchmark in
        try otelTraceparent(benchmark, newCarrier: { HTTPHeaders() }, NIOHeadersInjector(), NIOHeadersExtractor())
    }

    Benchmark("traceparent inject+extract / swift-otel") { benchmark in
        try otelTraceparent(benchmark, newCarrier: { [:] }, DictionaryInjector(), DictionaryExtractor())
    }

    // What propagation adds to a request whose headers exist anyway (a client's outgoing
    // request, a server's parsed one): the carrier already holds the request's other fields
    // and is not rebuilt; each iteration formats, sets (replacing the last one) and reads back.
    Benchmark("traceparent inject+extract, request's NIO HTTPHeaders / Telemetry") { benchmark in
        telemetryTraceparent(
            benchmark, newCarrier: { requestHeaders }, reusingCarrier: true, NIOHeadersInjector(), NIOHeadersExtractor())
    }

    Benchmark("traceparent inject+extract, request's NIO HTTPHeaders / swift-otel") { benchmark in
        try otelTraceparent(
            benchmark, newCarrier: { requestHeaders }, reusingCarrier: true, NIOHeadersInjector(), NIOHeadersExtractor())
    }
}

@inline(never)
func asyncWork() async -> Int {
    42
}
