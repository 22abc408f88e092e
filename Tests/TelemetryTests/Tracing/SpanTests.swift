import Dispatch
import Telemetry
import Testing

@Suite("Spans")
struct SpanTests {
    @Test func idsAreNeverZeroAndRoundTripThroughHex() throws {
        var seen = Set<TraceID>()
        for _ in 0..<10_000 {
            let trace = TraceID.random()
            let span = SpanID.random()
            #expect(trace.isValid && span.isValid)
            #expect(TraceID(hex: trace.hex) == trace && SpanID(hex: span.hex) == span)
            #expect(TraceID(bytes: trace.bytes) == trace && SpanID(bytes: span.bytes) == span)
            seen.insert(trace)
        }
        #expect(seen.count == 10_000)
        #expect(TraceID(hex: "0af7651916cd43dd8448eb211c80319c")?.bytes.first == 0x0A)
        #expect(TraceID(hex: "0AF7651916CD43DD8448EB211C80319C") == nil)
        #expect(!TraceID.invalid.isValid && !SpanID.invalid.isValid)
    }

    @Test func attributesEventsAndLinksRespectTheLimits() async throws {
        let limits = SpanLimits(
            attributes: AttributeLimits(count: 3, valueLength: 5), eventCount: 2, linkCount: 1,
            eventAttributes: AttributeLimits(count: 1), linkAttributes: AttributeLimits(count: 1))
        let pipeline = RecordingPipeline(limits: limits)
        let other = pipeline.tracer.startSpan("other", parent: nil)
        let span = pipeline.tracer.startSpan(
            "limited", attributes: ["a": 1, "b": true, "c": 2.5, "d": "dropped"],
            links: [SpanLink(other.context, attributes: ["x": 1, "y": 2])])
        span.setAttribute("a", "replaced value is long")  // replaces: not dropped, but truncated
        span.setAttribute("e", .stringArray(["short", "much too long"]))  // over the count: dropped
        span.addEvent("one", attributes: ["k": 1, "l": 2])
        span.addEvent("two")
        span.addEvent("three")
        span.addLink(to: other)
        span.end()
        other.end()
        let data = try #require(await pipeline.spans()["limited"])
        #expect(data.attributes.count == 3)
        #expect(data.attributes["a"] == "repla")
        #expect(data.attributes["d"] == nil && data.attributes["e"] == nil)
        #expect(data.droppedAttributesCount == 2)
        #expect(data.events.map(\.name) == ["one", "two"])
        #expect(data.droppedEventsCount == 1)
        #expect(data.events[0].droppedAttributesCount == 1)
        #expect(data.links.count == 1 && data.droppedLinksCount == 1)
        #expect(data.links[0].droppedAttributesCount == 1)
        #expect(data.links[0].context.spanID == other.context.spanID)
    }

    @Test func statusRulesEndOnceAndNoChangesAfterEnd() async throws {
        let pipeline = RecordingPipeline()
        let span = pipeline.tracer.startSpan("status", kind: .server)
        span.setStatus(.error(description: "first"))
        span.setStatus(.unset)
        #expect(span.recordedData?.status == .error(description: "first"))
        span.setStatus(.ok)
        span.setStatus(.error(description: "too late"))
        span.end()
        span.setAttribute("after", true)
        span.end()
        #expect(!span.isRecording)
        await pipeline.provider.forceFlush()
        let exported = pipeline.exporter.finishedSpans
        #expect(exported.count == 1)
        #expect(exported[0].status == .ok)
        #expect(exported[0].kind == .server)
        #expect(exported[0].attributes["after"] == nil)
        #expect(exported[0].scope == InstrumentationScope(name: "tests", version: "1.0"))
        #expect(exported[0].endTime >= exported[0].startTime)
    }

    @Test func concurrentChangesToOneSpanAreAllKeptAndTheEndWinsOnce() async throws {
        let pipeline = RecordingPipeline(limits: SpanLimits(attributes: AttributeLimits(count: 10_000)))
        let span = pipeline.tracer.startSpan("shared", parent: nil)
        // Four threads at once on one span's lock: every attribute lands, none twice.
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            for index in 0..<500 { span.setAttribute("w\(worker).\(index)", .int(Int64(index))) }
        }
        DispatchQueue.concurrentPerform(iterations: 4) { _ in span.end() }
        span.setAttribute("late", true)
        await pipeline.provider.forceFlush()
        let exported = pipeline.exporter.finishedSpans
        #expect(exported.count == 1, "ended once however many threads call end")
        #expect(exported.first?.attributes.count == 2_000)
        #expect(exported.first?.attributes["w3.499"] == .int(499))
        #expect(exported.first?.attributes["late"] == nil)
    }

    @Test func resourceComesFromTheEnvironment() {
        let resource = Resource.fromEnvironment([
            "OTEL_RESOURCE_ATTRIBUTES": "service.name=from-attributes, deployment.environment=prod%20eu,broken",
            "OTEL_SERVICE_NAME": "checkout",
        ])
        #expect(resource.serviceName == "checkout")
        #expect(resource.attributes["deployment.environment"] == "prod eu")
        #expect(resource.attributes["telemetry.sdk.language"] == "swift")
        #expect(Resource.fromEnvironment([:]).serviceName.hasPrefix("unknown_service:"))
    }

    @Test func spanLimitsComeFromTheEnvironment() {
        let limits = SpanLimits.fromEnvironment([
            "OTEL_ATTRIBUTE_COUNT_LIMIT": "10", "OTEL_SPAN_EVENT_COUNT_LIMIT": "3",
            "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT": "64", "OTEL_LINK_ATTRIBUTE_COUNT_LIMIT": "-1",
        ])
        #expect(limits.attributes == AttributeLimits(count: 10, valueLength: 64))
        #expect(limits.eventAttributes.count == 10)
        #expect(limits.linkAttributes.count == 10, "a negative value is ignored")
        #expect(limits.eventCount == 3 && limits.linkCount == 128)
    }

    @Test func samplerAttributesAndRemoteParentsAreRecorded() async throws {
        let pipeline = RecordingPipeline()
        let remote = SpanContext(traceID: .random(), spanID: .random(), traceFlags: .sampled, isRemote: true)
        pipeline.tracer.startSpan("served", parent: remote, kind: .server).end()
        let data = try #require(await pipeline.spans()["served"])
        #expect(data.parentSpanID == remote.spanID && data.parentIsRemote)
        #expect(data.context.traceID == remote.traceID && !data.context.isRemote)
    }
}
