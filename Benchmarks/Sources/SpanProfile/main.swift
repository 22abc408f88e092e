import Telemetry

// A fixed workload for `valgrind --tool=callgrind`, which counts instructions repeatably on a
// shared machine (see docs/span-overhead.md):
//
//   SpanProfile sampled|unsampled|withspan|traceparent [iterations]
//
// The loop runs in `workload()`, so `--toggle-collect='*workload*'` counts only it.

struct DiscardingExporter: SpanExporter {
    func export(_ spans: [SpanData]) async -> ExportResult { .success }
}

let arguments = CommandLine.arguments.dropFirst()
let mode = arguments.first ?? "sampled"
let iterations = arguments.dropFirst().first.flatMap(Int.init) ?? 10_000
// The default batch processor (queue 2048, batches of 512), as an application runs it.
let processor = BatchSpanProcessor(exporter: DiscardingExporter(), configuration: BatchProcessorConfiguration())
let provider = TracerProvider(
    resource: Resource(attributes: ["service.name": "bench"]),
    sampler: mode == "unsampled" ? AlwaysOffSampler() : AlwaysOnSampler(), processors: [processor])
let tracer = provider.tracer("bench")

@inline(never)
func workload() async {
    switch mode {
    case "withspan":
        for _ in 0..<iterations {
            let value = await tracer.withSpan("handle", parent: nil) { _ in await asyncWork() }
            precondition(value == 42)
        }
    case "traceparent":
        let propagator = TraceContextPropagator()
        let context = PropagationContext(spanContext: SpanContext(traceID: .random(), spanID: .random(), traceFlags: .sampled))
        var extracted = PropagationContext()
        for _ in 0..<iterations {
            var headers: [String: String] = [:]
            propagator.inject(context, into: &headers, using: DictionaryInjector())
            propagator.extract(from: headers, using: DictionaryExtractor(), into: &extracted)
        }
        precondition(extracted.spanContext?.spanID == context.spanContext?.spanID)
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

@inline(never)
func asyncWork() async -> Int { 42 }

await workload()
await provider.shutdown()
print("\(mode): \(iterations) iterations, exported \(processor.statistics.exported), dropped \(processor.statistics.dropped)")
