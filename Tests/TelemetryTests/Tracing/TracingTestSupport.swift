import Telemetry

/// A provider that records every span through a simple processor into memory.
struct RecordingPipeline {
    let exporter = InMemorySpanExporter()
    let provider: TracerProvider
    let tracer: Tracer

    init(sampler: any Sampler = AlwaysOnSampler(), limits: SpanLimits = SpanLimits()) {
        provider = TracerProvider(
            resource: Resource(attributes: ["service.name": "tests"]), sampler: sampler, limits: limits,
            processors: [SimpleSpanProcessor(exporter: exporter)])
        tracer = provider.tracer("tests", version: "1.0")
    }

    /// Flushes and returns the spans exported so far, keyed by name.
    func spans() async -> [String: SpanData] {
        await provider.forceFlush()
        return Dictionary(exporter.finishedSpans.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
}
