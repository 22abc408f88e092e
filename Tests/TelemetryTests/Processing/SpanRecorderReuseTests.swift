import Testing

@testable import Telemetry

/// Under a sole batch processor, ended spans travel as their recorders and exported recorders
/// are reused: nothing of one span may leak into the next, exported data stays as it was, and
/// a recorder a `Span` still refers to is never reused.
@Suite("Span recorder reuse")
struct SpanRecorderReuseTests {
    private static func pipeline(limits: SpanLimits = SpanLimits()) -> (TracerProvider, Tracer, InMemorySpanExporter) {
        let exporter = InMemorySpanExporter()
        let processor = BatchSpanProcessor(
            exporter: exporter, configuration: BatchSpanProcessorConfiguration(scheduledDelay: .seconds(60)))
        let provider = TracerProvider(
            resource: Resource(attributes: ["service.name": "reuse"]), sampler: AlwaysOnSampler(), limits: limits,
            processors: [processor])
        return (provider, provider.tracer("reuse", version: "2"), exporter)
    }

    /// Starts and ends one span with everything a span can carry, dropping its handle.
    private static func fullSpan(_ tracer: Tracer, parent: SpanContext) {
        let span = tracer.startSpan("full", parent: parent, kind: .server, attributes: ["a": 1, "b": 2, "c": 3])
        span.setAttribute("d", "four")
        span.setAttribute("e", "five")
        span.addEvent("event", attributes: ["x": true])
        span.addLink(SpanContext(traceID: .random(), spanID: .random(), traceFlags: .sampled))
        span.setStatus(.error(description: "broken"))
        span.end()
    }

    @Test func aReusedRecorderStartsEmptyAndExportedSpansKeepTheirData() async throws {
        let (provider, tracer, exporter) = Self.pipeline(limits: SpanLimits(attributes: AttributeLimits(count: 4)))
        let parent = SpanContext(traceID: .random(), spanID: .random(), traceFlags: .sampled, isRemote: true)
        for _ in 0..<10 { Self.fullSpan(tracer, parent: parent) }
        await provider.forceFlush()
        #expect(provider.pipeline.spareRecorderCount == 10, "exported recorders nothing refers to are kept")

        // A plain root span started in a reused recorder carries nothing of the full ones.
        let plain = tracer.startSpan("plain", parent: nil)
        #expect(provider.pipeline.spareRecorderCount == 9)
        plain.setAttribute("only", 1)
        plain.end()
        await provider.forceFlush()
        let spans = exporter.finishedSpans
        try #require(spans.count == 11)
        let reused = try #require(spans.last)
        #expect(reused.name == "plain")
        #expect(reused.parentSpanID == nil && !reused.parentIsRemote && reused.kind == .internal)
        #expect(Array(reused.attributes.map(\.key)) == ["only"] && reused.droppedAttributesCount == 0)
        #expect(reused.events.isEmpty && reused.links.isEmpty && reused.status == .unset)
        #expect(reused.droppedEventsCount == 0 && reused.droppedLinksCount == 0)
        #expect(reused.scope == InstrumentationScope(name: "reuse", version: "2"))
        #expect(reused.resource.attributes["service.name"] == .string("reuse"))
        // The full spans, exported before their recorders were cleared and reused, are intact.
        for full in spans.dropLast() {
            #expect(full.name == "full" && full.kind == .server && full.parentSpanID == parent.spanID)
            #expect(Array(full.attributes.map(\.key)) == ["a", "b", "c", "d"] && full.droppedAttributesCount == 1)
            #expect(full.events.map(\.name) == ["event"] && full.links.count == 1)
            #expect(full.status == .error(description: "broken"))
        }
        await provider.shutdown()
        #expect(provider.pipeline.spareRecorderCount == 0, "shutdown lets the spare recorders go")
    }

    @Test func aSpanStillReferencedKeepsItsRecorder() async throws {
        let (provider, tracer, exporter) = Self.pipeline()
        let kept = tracer.startSpan("kept", parent: nil, attributes: ["k": 1])
        kept.end()
        await provider.forceFlush()
        #expect(provider.pipeline.spareRecorderCount == 0, "a recorder a span refers to is not reused")
        // Other spans come and go; the kept handle still reads its own span, and changes after
        // its end are ignored.
        for index in 0..<5 {
            let span = tracer.startSpan("other-\(index)", parent: nil)
            span.setAttribute("o", .int(Int64(index)))
            span.end()
        }
        kept.setAttribute("late", true)
        await provider.forceFlush()
        #expect(kept.recordedData?.name == "kept")
        #expect(kept.recordedData.map { Array($0.attributes.map(\.key)) } == ["k"])
        #expect(!kept.isRecording)
        #expect(exporter.finishedSpans.map(\.name) == ["kept", "other-0", "other-1", "other-2", "other-3", "other-4"])
        await provider.shutdown()
    }

    @Test func withSeveralProcessorsEachGetsTheSpanData() async throws {
        let first = InMemorySpanExporter()
        let second = InMemorySpanExporter()
        let provider = TracerProvider(
            sampler: AlwaysOnSampler(),
            processors: [
                BatchSpanProcessor(exporter: first, configuration: BatchSpanProcessorConfiguration()),
                SimpleSpanProcessor(exporter: second),
            ])
        #expect(provider.pipeline.soleBatchProcessor == nil)
        let span = provider.tracer("two").startSpan("shared", parent: nil, attributes: ["n": 1])
        span.end()
        await provider.forceFlush()
        #expect(first.finishedSpans.map(\.name) == ["shared"])
        #expect(second.finishedSpans.map(\.name) == ["shared"])
        #expect(first.finishedSpans.first?.attributes == second.finishedSpans.first?.attributes)
        await provider.shutdown()
    }
}
