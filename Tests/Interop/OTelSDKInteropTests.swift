import Foundation
import HTTPServer
import TelemetryServer
import TestSupport
import Testing

private func sdkAvailable() -> Bool {
    ExternalTool.isCI
        || (PythonPeer.canImport("opentelemetry.exporter.otlp.proto.http")
            && PythonPeer.canImport("opentelemetry.exporter.otlp.proto.grpc"))
}

@Suite("The official OpenTelemetry Python SDK sends to telemetryd", .enabled(if: sdkAvailable()))
struct OTelSDKInteropTests {
    /// Over OTLP/HTTP (protobuf plain, gzip and deflate; JSON) and OTLP/gRPC (plain, gzip and
    /// deflate).
    @Test(arguments: ["plain", "gzip", "deflate", "json", "grpc", "grpc-gzip", "grpc-deflate"])
    func tracesMetricsAndLogsArriveWithTheirStructure(compression: String) async throws {
        var configuration = ServerConfiguration()
        configuration.listenAddress = ListenAddress(host: "127.0.0.1", port: 0)
        configuration.grpcListenAddress = ListenAddress(host: "127.0.0.1", port: 0)
        configuration.storagePath = FileManager.default.temporaryDirectory
            .appendingPathComponent("telemetryd-sdk-\(UUID().uuidString)").path
        let service = try TelemetryService(configuration: configuration)
        try await service.start()
        let port = service.boundAddress.port
        let grpcPort = try #require(service.grpcBoundAddress).port
        let serviceName = "sdk-\(compression)"
        let endpoint = "http://127.0.0.1:\(compression.hasPrefix("grpc") ? grpcPort : port)"
        let output = try await blocking {
            try PythonPeer.run("otel_sdk_sender.py", [endpoint, serviceName, compression])
        }
        let ids = try #require(try JSONSerialization.jsonObject(with: Data(output)) as? [String: String])
        let traceID = try #require(ids["trace_id"])
        let (trace, logs, metrics) = try await blocking {
            let client = try RawHTTPClient(port: port)
            return (
                try client.send("GET", "/api/traces/\(traceID)"), try client.send("GET", "/api/logs?traceId=\(traceID)"),
                try client.send("GET", "/metrics")
            )
        }
        // The SDK sets service.instance.id to a fresh UUID: check it once, then leave it out.
        #expect(metrics.text.contains(try Regex("orders_total\\{instance=\"[0-9a-f-]{36}\",job=")))
        let values = metricSamples(metrics.text.replacing(try Regex("instance=\"[0-9a-f-]{36}\","), with: ""))
        let scope = "otel_scope_name=\"interop.sender\",otel_scope_version=\"0.1\""
        #expect(values["orders_total{job=\"\(serviceName)\",\(scope),region=\"eu\"}"] == 5)
        #expect(values["orders_total{job=\"\(serviceName)\",\(scope),region=\"us\"}"] == 2)
        #expect(values["queue_depth{job=\"\(serviceName)\",\(scope)}"] == 4)
        let histogram = "checkout_duration_seconds"
        #expect(values["\(histogram)_bucket{job=\"\(serviceName)\",\(scope),region=\"eu\",le=\"5\"}"] == 1)
        #expect(values["\(histogram)_bucket{job=\"\(serviceName)\",\(scope),region=\"eu\",le=\"25\"}"] == 3)
        #expect(values["\(histogram)_bucket{job=\"\(serviceName)\",\(scope),region=\"eu\",le=\"+Inf\"}"] == 4)
        #expect(values["\(histogram)_sum{job=\"\(serviceName)\",\(scope),region=\"eu\"}"] == 743)
        #expect(values["\(histogram)_count{job=\"\(serviceName)\",\(scope),region=\"eu\"}"] == 4)
        #expect(values["oven_temperature_celsius{job=\"\(serviceName)\",\(scope),oven=\"1\"}"] == -3.5)
        #expect(metrics.text.contains("# TYPE orders_total counter"))
        // Each signal's calls are counted by method and status on the transport they came by.
        for method in [
            "opentelemetry.proto.collector.trace.v1.TraceService/Export",
            "opentelemetry.proto.collector.metrics.v1.MetricsService/Export",
            "opentelemetry.proto.collector.logs.v1.LogsService/Export",
        ] {
            let calls = values["telemetryd_grpc_requests_total{method=\"\(method)\",code=\"OK\"}"] ?? 0
            #expect(compression.hasPrefix("grpc") ? calls >= 1 : calls == 0, "\(method)")
        }
        #expect(metrics.text.contains("# HELP checkout_duration_seconds Checkout time."))
        let targetInfo = metrics.text.split(separator: "\n").first { $0.hasPrefix("target_info{") }.map(String.init)
        #expect(targetInfo?.contains("deployment_environment=\"test\"") == true)
        #expect(targetInfo?.contains("job=\"\(serviceName)\"") == true)
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
