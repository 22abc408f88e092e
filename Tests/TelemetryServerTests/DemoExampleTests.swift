import Foundation
import TestSupport
import Testing

@Suite("telemetry-demo against telemetryd")
struct DemoExampleTests {
    @Test(arguments: ["http/protobuf", "http/json"])
    func theDemoTraceTreeAndMetricsArrive(wireProtocol: String) async throws {
        let service = try await startService()
        let port = service.boundAddress.port
        let result = try await blocking {
            try ExternalTool.run(
                builtProduct("telemetry-demo"), [],
                environment: [
                    "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:\(port)",
                    "OTEL_EXPORTER_OTLP_PROTOCOL": wireProtocol, "OTEL_SERVICE_NAME": "demo-\(wireProtocol)",
                ])
        }
        #expect(result.status == 0, "\(result.stderr)")
        let output = String(decoding: result.stdout, as: UTF8.self)
        let traceID = try #require(output.split(separator: " ").dropFirst().first.map { String($0.dropLast()) })
        let (trace, metrics, logs) = try await blocking {
            let client = try RawHTTPClient(port: port)
            return (
                try client.send("GET", "/api/traces/\(traceID)"), try client.send("GET", "/metrics").text,
                try client.send("GET", "/api/logs?traceId=\(traceID)&direction=forward")
            )
        }
        #expect(trace.status == 200)
        let spans = try #require(
            (try JSONSerialization.jsonObject(with: Data(trace.body)) as? [String: Any])?["spans"] as? [[String: Any]])
        let byName = Dictionary(spans.map { ($0["name"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        #expect(Set(byName.keys) == ["POST /checkout", "reserve stock", "charge card"])
        let root = try #require(byName["POST /checkout"])
        #expect(root["service"] as? String == "demo-\(wireProtocol)")
        #expect(byName["reserve stock"]?["parentSpanId"] as? String == root["spanId"] as? String)
        #expect(byName["charge card"]?["parentSpanId"] as? String == root["spanId"] as? String)
        #expect((byName["charge card"]?["status"] as? [String: Any])?["code"] as? Int == 2)
        #expect((byName["reserve stock"]?["events"] as? [[String: Any]])?.first?["name"] as? String == "stock reserved")
        #expect((root["links"] as? [[String: Any]])?.count == 1)
        #expect((root["attributes"] as? [String: Any])?["http.response.status_code"] as? Int == 402)
        // The demo's logs, each with the span it was written in.
        let records = try #require(
            (try JSONSerialization.jsonObject(with: Data(logs.body)) as? [String: Any])?["logs"] as? [[String: Any]])
        let byBody = Dictionary(records.map { ($0["body"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        #expect(Set(byBody.keys) == ["stock reserved", "payment declined"])
        #expect(byBody["stock reserved"]?["spanId"] as? String == byName["reserve stock"]?["spanId"] as? String)
        #expect(byBody["payment declined"]?["spanId"] as? String == root["spanId"] as? String)
        #expect(byBody["payment declined"]?["severityNumber"] as? Int == 13)
        #expect((byBody["stock reserved"]?["attributes"] as? [String: Any])?["items"] as? Int == 3)
        let job = "job=\"demo-\(wireProtocol)\""
        #expect(metricSamples(metrics)["demo_orders_total{\(job),otel_scope_name=\"telemetry-swift\",outcome=\"declined\"}"] == 1)
        #expect(metrics.contains("demo_checkout_duration_seconds_count{\(job)"))
        await service.stop()
    }
}
