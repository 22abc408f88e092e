import Foundation
import HTTPServer
import TelemetryServer
import TestSupport
import Testing

private func sdkAvailable() -> Bool {
    ExternalTool.isCI || PythonPeer.canImport("opentelemetry.exporter.otlp.proto.http")
}

@Suite("The official OpenTelemetry Python SDK sends to telemetryd", .enabled(if: sdkAvailable()))
struct OTelSDKInteropTests {
    @Test(arguments: ["plain", "gzip"])
    func tracesAndLogsArriveWithTheirStructure(compression: String) async throws {
        var configuration = ServerConfiguration()
        configuration.listenAddress = ListenAddress(host: "127.0.0.1", port: 0)
        configuration.storagePath = FileManager.default.temporaryDirectory
            .appendingPathComponent("telemetryd-sdk-\(UUID().uuidString)").path
        let service = try TelemetryService(configuration: configuration)
        try service.start()
        let port = service.boundAddress.port
        let serviceName = "sdk-\(compression)"
        let output = try await blocking {
            try PythonPeer.run("otel_sdk_sender.py", ["http://127.0.0.1:\(port)", serviceName, compression])
        }
        let ids = try #require(try JSONSerialization.jsonObject(with: Data(output)) as? [String: String])
        let traceID = try #require(ids["trace_id"])
        let (trace, logs) = try await blocking {
            let client = try RawHTTPClient(port: port)
            return (try client.send("GET", "/api/traces/\(traceID)"), try client.send("GET", "/api/logs?traceId=\(traceID)"))
        }
        #expect(trace.status == 200)
        let spans = try #require(
            (try JSONSerialization.jsonObject(with: Data(trace.body)) as? [String: Any])?["spans"] as? [[String: Any]])
        #expect(spans.count == 2)
        let root = try #require(spans.first { $0["name"] as? String == "checkout" })
        let child = try #require(spans.first { $0["name"] as? String == "charge card" })
        #expect(root["spanId"] as? String == ids["root_span_id"])
        #expect(root["parentSpanId"] as? String == "")
        #expect(root["kind"] as? Int == 2)
        #expect(root["service"] as? String == serviceName)
        #expect((root["attributes"] as? [String: Any])?["http.route"] as? String == "/checkout")
        #expect((root["attributes"] as? [String: Any])?["items"] as? Int == 3)
        #expect((root["events"] as? [[String: Any]])?.first?["name"] as? String == "validated")
        #expect((root["resource"] as? [String: Any])?["deployment.environment"] as? String == "test")
        #expect((root["scope"] as? [String: Any])?["name"] as? String == "interop.sender")
        #expect(child["spanId"] as? String == ids["child_span_id"])
        #expect(child["parentSpanId"] as? String == ids["root_span_id"])
        #expect(child["kind"] as? Int == 3)
        #expect((child["status"] as? [String: Any])?["code"] as? Int == 2)
        #expect((child["status"] as? [String: Any])?["message"] as? String == "card declined")
        let link = try #require((child["links"] as? [[String: Any]])?.first)
        #expect(link["traceId"] as? String == ids["linked_trace_id"])
        #expect(link["spanId"] as? String == ids["linked_span_id"])
        #expect((link["attributes"] as? [String: Any])?["reason"] as? String == "batch")
        let records = try #require(
            (try JSONSerialization.jsonObject(with: Data(logs.body)) as? [String: Any])?["logs"] as? [[String: Any]])
        #expect(records.count == 1)
        #expect(records.first?["body"] as? String == "payment failed for order A-17")
        #expect(records.first?["severityText"] as? String == "ERROR")
        #expect(records.first?["spanId"] as? String == ids["child_span_id"])
        await service.stop()
    }
}
