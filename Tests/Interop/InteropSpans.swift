import Telemetry
import Testing

/// The spans every exporter interop test sends (a remote parent with trace state, attributes
/// of every type, an event, a link, a failing child, a root without parent) and the checks on
/// what a receiver decoded from them.
struct InteropSpans {
    let remote: SpanContext
    let linked: SpanContext
    let child: SpanContext?

    /// Records the four spans with `tracer`.
    static func record(with tracer: Tracer) async -> InteropSpans {
        let linked = tracer.startSpan("linked", parent: nil, kind: .producer)
        linked.end()
        let remote = SpanContext(
            traceID: .random(), spanID: .random(), traceFlags: .sampled, traceState: TraceState(header: "vendor=abc") ?? TraceState(),
            isRemote: true)
        var childContext: SpanContext?
        try? tracer.withSpan(
            "checkout", parent: remote, kind: .server,
            attributes: [
                "http.route": "/checkout", "items": 3, "ratio": 0.5, "vip": true,
                "tags": .stringArray(["a", "b"]), "sizes": .intArray([1, 2, 3]),
            ], links: [SpanLink(linked.context, attributes: ["reason": "batch"])]
        ) { span in
            span.addEvent("validated", attributes: ["count": 2])
            try tracer.withSpan("charge card", kind: .client) { child in
                childContext = child.context
                throw InteropFailure.declined
            }
        }
        tracer.startSpan("unparented", parent: nil).end()
        return InteropSpans(remote: remote, linked: linked.context, child: childContext)
    }

    /// Checks every field of the spans a receiver reported (opentelemetry-proto's view).
    func check(_ spans: [[String: Any]]) throws {
        let byName = Dictionary(spans.map { ($0["name"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        #expect(spans.count == 4)
        let root = try #require(byName["checkout"])
        let child = try #require(byName["charge card"])
        #expect(root["traceId"] as? String == remote.traceID.hex)
        #expect(root["parentSpanId"] as? String == remote.spanID.hex)
        #expect(root["traceState"] as? String == "vendor=abc")
        #expect(root["flags"] as? Int == 0x301, "sampled, parent known to be remote")
        #expect(root["kind"] as? String == "SPAN_KIND_SERVER")
        let attributes = try #require(root["attributes"] as? [String: Any])
        #expect(attributes["http.route"] as? String == "/checkout")
        #expect(attributes["items"] as? Int == 3)
        #expect(attributes["ratio"] as? Double == 0.5)
        #expect(attributes["vip"] as? Bool == true)
        #expect(attributes["tags"] as? [String] == ["a", "b"])
        #expect(attributes["sizes"] as? [Int] == [1, 2, 3])
        let event = try #require((root["events"] as? [[String: Any]])?.first)
        #expect(event["name"] as? String == "validated")
        #expect((event["attributes"] as? [String: Any])?["count"] as? Int == 2)
        let link = try #require((root["links"] as? [[String: Any]])?.first)
        #expect(link["traceId"] as? String == linked.traceID.hex)
        #expect(link["spanId"] as? String == linked.spanID.hex)
        #expect((link["attributes"] as? [String: Any])?["reason"] as? String == "batch")
        #expect((root["status"] as? [String: Any])?["code"] as? String == "STATUS_CODE_ERROR")
        #expect(child["spanId"] as? String == self.child?.spanID.hex)
        #expect(child["parentSpanId"] as? String == root["spanId"] as? String)
        #expect(child["traceId"] as? String == remote.traceID.hex)
        #expect(child["flags"] as? Int == 0x101, "sampled, parent known to be local")
        #expect(child["kind"] as? String == "SPAN_KIND_CLIENT")
        #expect((child["status"] as? [String: Any])?["message"] as? String == "card declined")
        let exception = try #require((child["events"] as? [[String: Any]])?.first)
        #expect(exception["name"] as? String == "exception")
        #expect((exception["attributes"] as? [String: Any])?["exception.message"] as? String == "card declined")
        #expect(try #require(child["end"] as? Int) >= (child["start"] as? Int ?? .max))
        #expect(byName["unparented"]?["parentSpanId"] as? String == "")
        #expect((root["resource"] as? [String: Any])?["service.name"] as? String == "interop")
        #expect((root["scope"] as? [String: Any])?["version"] as? String == "2.0")
    }
}

enum InteropFailure: Error, CustomStringConvertible {
    case declined
    var description: String { "card declined" }
}
