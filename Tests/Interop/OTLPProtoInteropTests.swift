import Foundation
import OTLP
import SwiftProtobuf
import TestSupport
import Testing

private func peerAvailable() -> Bool {
    ExternalTool.isCI || PythonPeer.canImport("opentelemetry.proto")
}

@Suite("OTLP protobuf against the official opentelemetry-proto", .enabled(if: peerAvailable()))
struct OTLPProtoInteropTests {
    @Test func decodesEverySpanFieldThePythonPackageWrites() async throws {
        let bytes = try await PythonPeer.run("otlp_peer.py", ["make-traces"])
        let request = try Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest(serializedBytes: bytes)
        let resourceSpans = try #require(request.resourceSpans.first)
        #expect(resourceSpans.resource.attributes.first?.value.stringValue == "checkout")
        #expect(resourceSpans.schemaURL == "https://opentelemetry.io/schemas/1.26.0")
        let scope = try #require(resourceSpans.scopeSpans.first)
        #expect(scope.scope.name == "interop")
        #expect(scope.scope.version == "1.2.3")
        let span = try #require(scope.spans.first)
        #expect(Hex.encode(span.traceID) == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(Hex.encode(span.spanID) == "00f067aa0ba902b7")
        #expect(Hex.encode(span.parentSpanID) == "53995c3f42cd8ad8")
        #expect(span.traceState == "vendor=value")
        #expect(span.flags == 0x301)
        #expect(span.name == "GET /cart")
        #expect(span.kind == .server)
        #expect(span.startTimeUnixNano == 1_700_000_000_000_000_000)
        #expect(span.endTimeUnixNano == 1_700_000_000_250_000_000)
        let attributes = Dictionary(uniqueKeysWithValues: span.attributes.map { ($0.key, $0.value) })
        #expect(attributes["http.method"]?.stringValue == "GET")
        #expect(attributes["http.status_code"]?.intValue == 200)
        #expect(attributes["cache.hit"]?.boolValue == true)
        #expect(attributes["load"]?.doubleValue == 0.75)
        #expect(attributes["tags"]?.arrayValue.values.map(\.stringValue) == ["a", ""])
        #expect(attributes["tags"]?.arrayValue.values.last?.intValue == 2)
        #expect(span.droppedAttributesCount == 3)
        #expect(span.events.first?.name == "cache miss")
        #expect(span.events.first?.timeUnixNano == 1_700_000_000_100_000_000)
        #expect(Hex.encode(span.links.first?.traceID ?? Data()) == "0af7651916cd43dd8448eb211c80319c")
        #expect(span.links.first?.flags == 1)
        #expect(span.status.code == .error)
        #expect(span.status.message == "upstream timeout")
    }

    @Test func pythonReadsWhatSwiftWrites() async throws {
        var span = Opentelemetry_Proto_Trace_V1_Span()
        span.traceID = Data(Hex.decode("0af7651916cd43dd8448eb211c80319c") ?? [])
        span.spanID = Data(Hex.decode("b7ad6b7169203331") ?? [])
        span.name = "write"
        span.kind = .client
        span.flags = 0x100
        span.startTimeUnixNano = 42
        span.status.code = .ok
        var event = Opentelemetry_Proto_Trace_V1_Span.Event()
        event.name = "flushed"
        span.events = [event]
        var scopeSpans = Opentelemetry_Proto_Trace_V1_ScopeSpans()
        scopeSpans.spans = [span]
        var resourceSpans = Opentelemetry_Proto_Trace_V1_ResourceSpans()
        resourceSpans.scopeSpans = [scopeSpans]
        var request = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest()
        request.resourceSpans = [resourceSpans]
        let output = try await PythonPeer.run("otlp_peer.py", ["read-traces"], input: Array(try request.serializedData()))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output)) as? [String: Any])
        let decoded = try #require(
            ((json["resource_spans"] as? [[String: Any]])?.first?["scope_spans"] as? [[String: Any]])?.first?["spans"]
                as? [[String: Any]]
        ).first
        #expect(decoded?["name"] as? String == "write")
        #expect(decoded?["kind"] as? String == "SPAN_KIND_CLIENT")
        #expect(decoded?["flags"] as? Int == 0x100)
        #expect(decoded?["start_time_unix_nano"] as? String == "42")
        #expect(decoded?["trace_id"] as? String == Data(Hex.decode("0af7651916cd43dd8448eb211c80319c") ?? []).base64EncodedString())
        #expect((decoded?["status"] as? [String: Any])?["code"] as? String == "STATUS_CODE_OK")
        #expect(((decoded?["events"] as? [[String: Any]])?.first?["name"]) as? String == "flushed")
    }
}
