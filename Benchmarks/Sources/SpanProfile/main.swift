import Telemetry
import NIOHTTP1

// A fixed workload for `valgrind --tool=callgrind`, which counts instructions repeatably on a
// shared machine (see docs/span-overhead.md):
//
//   SpanProfile sampled|dropped|unsampled|withspan|tasklocal|traceparent|traceparent-nio|traceparent-request [iterations]
//
// `traceparent-request` injects into and extracts from one request's NIO headers, which hold
// the request's other fields already (what propagation adds to a request).
// `dropped` is `sampled` with a processor that drops every span: the cost without a hand-over.
//
// The loop runs in `workload()`, so `--toggle-collect='*workload*'` counts only it.

struct NIOHeadersInjector: TextMapInjector {
    func inject(_ value: String, forKey key: String, into carrier: inout HTTPHeaders) {
        carrier.replaceOrAdd(name: key, value: value)
    }
}

struct NIOHeadersExtractor: TextMapExtractor {
    func extract(key: String, from carrier: HTTPHeaders) -> String? { carrier.first(name: key) }
}

struct DiscardingExporter: SpanExporter {
    func export(_ spans: [SpanData]) async -> ExportResult { .success }
}

/// A processor that drops every span: what a span costs without any hand-over.
struct DroppingProcessor: SpanProcessor {
    func onEnd(_ span: SpanData) {}
    func forceFlush() async {}
    func shutdown() async {}
}

let arguments = CommandLine.arguments.dropFirst()
let mode = arguments.first ?? "sampled"
let iterations = arguments.dropFirst().first.flatMap(Int.init) ?? 10_000
// The default batch processor (queue 2048, batches of 512), as an application runs it.
let processor = BatchSpanProcessor(exporter: DiscardingExporter(), configuration: BatchProcessorConfiguration())
let provider = TracerProvider(
    resource: Resource(attributes: ["service.name": "bench"]),
    sampler: mode == "unsampled" ? AlwaysOffSampler() : AlwaysOnSampler(),
    processors: mode == "dropped" ? [DroppingProcessor()] : [processor])
let tracer = provider.tracer("bench")

@inline(never)
func workload() async {
    switch mode {
    case "withspan":
        for _ in 0..<iterations {
            let value = await tracer.withSpan("handle", parent: nil) { _ in await asyncWork() }
            precondition(value == 42)
        }
    case "tasklocal":
        // The floor under `withSpan`: the runtime's task-local binding around the same body,
        // with no span.
        let span = Span(nonRecording: SpanContext(traceID: .random(), spanID: .random()))
        for _ in 0..<iterations {
            let value = await Span.$current.withValue(span) { await asyncWork() }
            precondition(value == 42)
        }
    case "traceparent":
        traceparentRoundTrips(newCarrier: { [:] }, DictionaryInjector(), DictionaryExtractor())
    case "traceparent-nio":
        traceparentRoundTrips(newCarrier: { HTTPHeaders() }, NIOHeadersInjector(), NIOHeadersExtractor())
    case "traceparent-request":
        traceparentRoundTrips(
            newCarrier: {
                HTTPHeaders([("Host", "api.example.com"), ("User-Agent", "checkout/1.4"), ("Accept", "application/json")])
            }, reusingCarrier: true, NIOHeadersInjector(), NIOHeadersExtractor())
    default:
        for _ in 0..<iterations {
            let span = tracer.startSpan("GET /users", parent: nil)
            span.setAttribute("http.method", "GET")
            span.setAttribute("http.status_code", 200)
            span.setAttribute("net.peer.name", "db-1")
            span.end()
        }
    }
}

/// traceparent inject + extract `iterations` times, on a new carrier each time or (`reusingCarrier`)
/// on one carrier throughout. Inlined into `workload`, so that the profile counts it there.
@inline(__always)
func traceparentRoundTrips<Injector: TextMapInjector, Extractor: TextMapExtractor>(
    newCarrier: () -> Injector.Carrier, reusingCarrier: Bool = false, _ injector: Injector, _ extractor: Extractor
) where Extractor.Carrier == Injector.Carrier {
    let propagator = TraceContextPropagator()
    let context = PropagationContext(spanContext: SpanContext(traceID: .random(), spanID: .random(), traceFlags: .sampled))
    var extracted = PropagationContext()
    func roundTrip(_ headers: inout Injector.Carrier) {
        propagator.inject(context, into: &headers, using: injector)
        propagator.extract(from: headers, using: extractor, into: &extracted)
    }
    var request = newCarrier()
    for _ in 0..<iterations {
        if reusingCarrier {
            roundTrip(&request)
        } else {
            var headers = newCarrier()
            roundTrip(&headers)
        }
    }
    precondition(extracted.spanContext?.spanID == context.spanContext?.spanID)
}

@inline(never)
func asyncWork() async -> Int { 42 }

let started = ContinuousClock.now
await workload()
let elapsed = ContinuousClock.now - started
await provider.shutdown()
let nanoseconds = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
print(
    "\(mode): \(iterations) iterations, \(Int(nanoseconds / Double(iterations))) ns each, "
        + "exported \(processor.statistics.exported), dropped \(processor.statistics.dropped)")
