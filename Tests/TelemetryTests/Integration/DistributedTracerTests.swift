import Instrumentation
import Telemetry
import Testing
import Tracing

/// swift-distributed-tracing's dictionary carriers.
private struct HeaderInjector: Instrumentation.Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) { carrier[key] = value }
}

private struct HeaderExtractor: Instrumentation.Extractor {
    func extract(key: String, from carrier: [String: String]) -> String? { carrier[key] }
}

private struct Failure: Error, CustomStringConvertible {
    var description: String { "upstream refused" }
}

@Suite("swift-distributed-tracing backend")
struct DistributedTracerTests {
    @Test func withSpanNestsThroughInstrumentationContext() async throws {
        let pipeline = RecordingPipeline()
        let tracer = DistributedTracer(pipeline.tracer, provider: pipeline.provider)
        tracer.withSpan("handle request", ofKind: .server) { outer in
            outer.attributes["http.method"] = "GET"
            outer.attributes["http.status_code"] = 200
            outer.addEvent(Tracing.SpanEvent(name: "cache miss"))
            #expect(InstrumentationContext.current?[TelemetrySpanContextKey.self] != nil)
            tracer.withSpan("query") { _ in }
            // A Telemetry span started inside sees the current Tracing span only through the
            // context; Telemetry's own withSpan nests the other way round.
            pipeline.tracer.withSpan("telemetry-native") { _ in
                tracer.withSpan("tracing-inside-native") { _ in }
            }
            #expect(throws: Failure.self) {
                try tracer.withSpan("call upstream", ofKind: .client) { _ in throw Failure() }
            }
            #expect(outer.attributes["http.method"]?.toSpanAttribute() == .string("GET"))
        }
        let spans = await pipeline.spans()
        let outer = try #require(spans["handle request"])
        #expect(outer.kind == .server)
        #expect(outer.attributes["http.method"] == "GET")
        #expect(outer.attributes["http.status_code"] == .int(200))
        #expect(outer.events.map(\.name) == ["cache miss"])
        #expect(spans["query"]?.parentSpanID == outer.context.spanID)
        #expect(spans["call upstream"]?.parentSpanID == outer.context.spanID)
        #expect(spans["call upstream"]?.status == .error(description: "upstream refused"))
        #expect(spans["call upstream"]?.kind == .client)
        let native = try #require(spans["telemetry-native"])
        #expect(spans["tracing-inside-native"]?.parentSpanID == native.context.spanID)
    }

    @Test func injectAndExtractUseW3CHeaders() async throws {
        let pipeline = RecordingPipeline()
        let tracer = DistributedTracer(pipeline.tracer)
        var headers: [String: String] = [:]
        let span = tracer.startSpan("client", context: .topLevel, ofKind: .client)
        tracer.inject(span.context, into: &headers, using: HeaderInjector())
        let own = try #require(span.context[TelemetrySpanContextKey.self])
        #expect(headers["traceparent"] == TraceContextPropagator.header(for: own))
        span.end()

        var extracted = InstrumentationContext.topLevel
        tracer.extract(headers, into: &extracted, using: HeaderExtractor())
        let server = tracer.startSpan("server", context: extracted, ofKind: .server)
        server.end()
        let data = try #require(await pipeline.spans()["server"])
        #expect(data.context.traceID == own.traceID)
        #expect(data.parentSpanID == own.spanID && data.parentIsRemote)
    }

    @Test func linksBetweenTracingSpansAreRecorded() async throws {
        let pipeline = RecordingPipeline()
        let tracer = DistributedTracer(pipeline.tracer)
        let first = tracer.startSpan("first", context: .topLevel)
        let second = tracer.startSpan("second", context: .topLevel)
        second.addLink(first, attributes: ["reason": "batch"])
        first.end()
        second.end()
        let data = try #require(await pipeline.spans()["second"])
        #expect(data.links.first?.context.spanID == first.context[TelemetrySpanContextKey.self]?.spanID)
        #expect(data.links.first?.attributes["reason"] == "batch")
    }
}
