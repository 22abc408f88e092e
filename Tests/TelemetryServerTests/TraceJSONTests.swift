import Foundation
import TelemetryServer
import TestSupport
import Testing

/// Whether a decoded JSON object equals `expected`, compared as canonical JSON text (on Linux a
/// decoded number and a Swift `Int` do not compare equal as `AnyHashable`).
private func same(_ value: Any?, _ expected: [String: Any]) -> Bool {
    func canonical(_ object: Any) -> Data? {
        try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }
    guard let value, let left = canonical(value) else { return false }
    return left == canonical(expected)
}

@Suite("Trace API JSON")
struct TraceJSONTests {
    /// Every field of a span sent over OTLP comes back in `/api/traces/{id}`, typed as the
    /// dashboard reads it: ids as hex, times as decimal strings, counts as numbers, stored
    /// attributes, events and links as JSON, text escaped.
    @Test func everySpanFieldComesBack() async throws {
        let service = try await startService()
        let port = service.boundAddress.port
        let (traceID, linkedID) = (randomTraceID(), randomTraceID())
        let body = Array("""
            {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"inventory"}},
              {"key":"host.name","value":{"stringValue":"h1"}}]},
             "scopeSpans":[{"scope":{"name":"lib","version":"1.2","attributes":[{"key":"s","value":{"intValue":"7"}}]},
              "spans":[{"traceId":"\(traceID)","spanId":"0000000000000001","parentSpanId":"00000000000000ff",
               "traceState":"vendor=1","flags":1,"name":"reserve \\"stock\\"\\n","kind":5,
               "startTimeUnixNano":"1700000000000000001","endTimeUnixNano":"1700000000000000101",
               "attributes":[{"key":"n","value":{"intValue":"3"}}],"droppedAttributesCount":2,
               "events":[{"timeUnixNano":"1700000000000000050","name":"retry",
                 "attributes":[{"key":"attempt","value":{"intValue":"2"}}]}],"droppedEventsCount":1,
               "links":[{"traceId":"\(linkedID)","spanId":"0000000000000002"}],"droppedLinksCount":3,
               "status":{"code":2,"message":"out of stock"}}]}]}]}
            """.utf8)
        let (posted, trace) = try await blocking {
            let client = try RawHTTPClient(port: port)
            return (
                try client.send("POST", "/v1/traces", headers: [("Content-Type", "application/json")], body: body),
                try client.send("GET", "/api/traces/\(traceID)")
            )
        }
        #expect(posted.status == 200, "\(posted.text)")
        #expect(trace.header("Content-Type") == "application/json")
        let page = try json(trace)
        #expect(page["traceId"] as? String == traceID)
        #expect(page["spanCount"] as? Int == 1)
        #expect(page["nextCursor"] == nil)
        let span = try #require((page["spans"] as? [[String: Any]])?.first)
        #expect(span["traceId"] as? String == traceID)
        #expect(span["spanId"] as? String == "0000000000000001")
        #expect(span["parentSpanId"] as? String == "00000000000000ff")
        #expect(span["traceState"] as? String == "vendor=1")
        #expect(span["flags"] as? Int == 1)
        #expect(span["service"] as? String == "inventory")
        #expect(span["name"] as? String == "reserve \"stock\"\n")
        #expect(span["kind"] as? Int == 5)
        #expect(span["startTimeUnixNano"] as? String == "1700000000000000001")
        #expect(span["endTimeUnixNano"] as? String == "1700000000000000101")
        #expect(span["durationNano"] as? String == "100")
        #expect(same(span["status"], ["code": 2, "message": "out of stock"]))
        #expect(same(span["attributes"], ["n": 3]))
        #expect(span["droppedAttributesCount"] as? Int == 2)
        let event = try #require((span["events"] as? [[String: Any]])?.first)
        #expect(event["name"] as? String == "retry")
        #expect(same(event["attributes"], ["attempt": 2]))
        #expect(span["droppedEventsCount"] as? Int == 1)
        let link = try #require((span["links"] as? [[String: Any]])?.first)
        #expect(link["traceId"] as? String == linkedID)
        #expect(link["spanId"] as? String == "0000000000000002")
        #expect(span["droppedLinksCount"] as? Int == 3)
        #expect(same(span["resource"], ["service.name": "inventory", "host.name": "h1"]))
        #expect(same(span["scope"], ["name": "lib", "version": "1.2", "attributes": ["s": 7]]), "\(span["scope"] ?? "")")
        await service.stop()
    }
}
