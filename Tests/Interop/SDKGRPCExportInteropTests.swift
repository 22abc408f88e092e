import Foundation
import Logging
import Telemetry
import TelemetryGRPC
import TestSupport
import Testing

private func grpcPeerAvailable() -> Bool {
    ExternalTool.isCI || PythonPeer.canImport("opentelemetry.proto.collector.trace.v1.trace_service_pb2_grpc")
}

@Suite("The SDK's OTLP/gRPC exporters are decoded by grpcio and opentelemetry-proto (Python)", .enabled(if: grpcPeerAvailable()))
struct SDKGRPCExportInteropTests {
    /// Spans, logs and metrics over gRPC, plain and gzip; with `refuseFirst` the receiver
    /// answers each service's first call UNAVAILABLE with a 300 ms RetryInfo, and the exporters
    /// must retry after that delay rather than their own 15-30 s backoff.
    @Test(arguments: [(false, false), (true, true)])
    func everySignalArrivesWithItsFields(gzip: Bool, refuseFirst: Bool) async throws {
        let receiver = try PythonReceiver(
            script: "otlp_grpc_receiver.py", arguments: ["4", "1", "1", "60", refuseFirst ? "1" : "0"])
        let configuration = OTLPExporterConfiguration(
            endpoint: "http://127.0.0.1:\(receiver.port)", wireProtocol: .grpc, compression: gzip ? .gzip : .none,
            headers: ["X-Tenant": "acme"], timeout: .seconds(60), retry: RetryPolicy(maxAttempts: 3, initialBackoff: .seconds(30)))
        let resource = Resource(attributes: ["service.name": "interop", "deployment.environment": "test"])
        let spanExporter = try OTLPGRPCSpanExporter(configuration: configuration)
        let provider = TracerProvider(
            resource: resource, sampler: AlwaysOnSampler(), processors: [BatchSpanProcessor(exporter: spanExporter)])
        let logProcessor = BatchLogRecordProcessor(exporter: try OTLPGRPCLogExporter(configuration: configuration))
        let logger = Logger(label: "interop.logs") { label in
            TelemetryLogHandler(label: label, processor: logProcessor, resource: resource, logLevel: .debug)
        }
        let registry = MetricRegistry()
        let metricExporter = try PeriodicMetricExporter(
            registry: registry, resource: resource, grpcConfiguration: configuration, interval: .seconds(3600))
        let orders = try registry.counter(name: "shop_orders", help: "Orders placed.", labelNames: ["region"])
        try orders.labels("eu").increment(by: 5)
        try registry.gauge(name: "shop_oven_celsius", help: "Oven temperature.", unit: "celsius").set(-3.5)
        let latency = try registry.histogram(name: "shop_latency_seconds", help: "Latency.", unit: "seconds", buckets: [0.1, 1])
        for value in [0.05, 0.5, 5] { latency.observe(value) }

        let tracer = provider.tracer("interop.swift", version: "2.0")
        let sent = await InteropSpans.record(with: tracer)
        let logged = tracer.withSpan("log-parent", parent: nil) { span in
            logger.warning("payment retried", metadata: ["attempt": .stringConvertible(2), "order": ["id": "A-17"], "tags": ["x", "y"]])
            return span.context
        }
        await provider.shutdown()
        await logProcessor.shutdown()
        await metricExporter.shutdown()

        let output = try await blocking { receiver.report() }
        let report = try #require(try JSONSerialization.jsonObject(with: output) as? [String: Any])
        let spans = try #require(report["spans"] as? [[String: Any]]).filter { $0["name"] as? String != "log-parent" }
        try sent.check(spans)

        let log = try #require((report["logs"] as? [[String: Any]])?.first)
        #expect(log["severityNumber"] as? String == "SEVERITY_NUMBER_WARN")
        #expect(log["severityText"] as? String == "WARNING")
        #expect(log["body"] as? String == "payment retried")
        #expect(log["traceId"] as? String == logged.traceID.hex)
        #expect(log["spanId"] as? String == logged.spanID.hex)
        #expect(log["flags"] as? Int == 1)
        let attributes = try #require(log["attributes"] as? [String: Any])
        #expect(attributes["attempt"] as? Int == 2)
        #expect((attributes["order"] as? [String: Any])?["id"] as? String == "A-17")
        #expect(attributes["tags"] as? [String] == ["x", "y"])
        #expect(attributes["code.function"] as? String != nil)
        #expect((log["scope"] as? [String: Any])?["name"] as? String == "interop.logs")
        #expect((log["resource"] as? [String: Any])?["service.name"] as? String == "interop")
        #expect(try #require(log["observedTime"] as? Int) >= (log["time"] as? Int ?? .max))

        let metrics = try #require(report["metrics"] as? [[String: Any]])
        let byName = Dictionary(metrics.map { ($0["name"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        let counter = try #require(byName["shop_orders"])
        #expect(counter["kind"] as? String == "sum")
        #expect(counter["monotonic"] as? Bool == true)
        #expect(counter["temporality"] as? Int == 2, "cumulative")
        let point = try #require((counter["points"] as? [[String: Any]])?.first)
        #expect(point["value"] as? Double == 5)
        #expect((point["attributes"] as? [String: Any])?["region"] as? String == "eu")
        let gauge = try #require(byName["shop_oven_celsius"])
        #expect(gauge["kind"] as? String == "gauge")
        #expect(byName["shop_latency_seconds"]?["unit"] as? String == "s")
        #expect((gauge["points"] as? [[String: Any]])?.first?["value"] as? Double == -3.5)
        let histogram = try #require((byName["shop_latency_seconds"]?["points"] as? [[String: Any]])?.first)
        #expect(histogram["count"] as? Int == 3)
        #expect(histogram["sum"] as? Double == 5.55)
        #expect(histogram["bounds"] as? [Double] == [0.1, 1])
        #expect(histogram["buckets"] as? [Int] == [1, 1, 1])
        #expect((byName["shop_latency_seconds"]?["resource"] as? [String: Any])?["deployment.environment"] as? String == "test")

        // Every call carried the headers as metadata, and the retries waited as asked.
        let calls = try #require(report["calls"] as? [[String: Any]])
        for call in calls {
            let metadata = try #require(call["metadata"] as? [String: String])
            #expect(metadata["x-tenant"] == "acme")
            #expect(metadata["user-agent"]?.contains("telemetry-swift/") == true)
        }
        for service in ["traces", "logs", "metrics"] {
            let times = calls.filter { $0["service"] as? String == service }.compactMap { $0["time"] as? Double }
            #expect(times.count == (refuseFirst ? 2 : 1), "\(service): \(times)")
            if refuseFirst, times.count == 2 {
                let gap = times[1] - times[0]
                #expect(gap >= 0.29 && gap < 10, "\(service) retried after \(gap) s")
            }
        }
    }

    /// `OTEL_EXPORTER_OTLP_PROTOCOL=grpc` picks the gRPC exporters, with the gRPC endpoint
    /// used as given; anything else keeps OTLP/HTTP.
    @Test func theProtocolVariableChoosesTheTransport() throws {
        let grpc = ["OTEL_EXPORTER_OTLP_PROTOCOL": "grpc", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4317"]
        let spans = try #require(try OTLPExporters.spanExporter(environment: grpc) as? OTLPGRPCSpanExporter)
        #expect(spans.configuration.endpoint == "http://collector:4317")
        #expect(try OTLPExporters.logExporter(environment: grpc) is OTLPGRPCLogExporter)
        let http = ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"]
        let httpSpans = try #require(try OTLPExporters.spanExporter(environment: http) as? OTLPHTTPSpanExporter)
        #expect(httpSpans.configuration.endpoint == "http://collector:4318/v1/traces")
        let mixed = ["OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf", "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL": "grpc"]
        #expect(try OTLPExporters.logExporter(environment: mixed) is OTLPGRPCLogExporter)
        #expect(try OTLPExporters.spanExporter(environment: mixed) is OTLPHTTPSpanExporter)
        #expect(throws: OTLPExporterConfiguration.ConfigurationError.self) {
            try OTLPExporters.spanExporter(environment: ["OTEL_EXPORTER_OTLP_PROTOCOL": "grpc", "OTEL_EXPORTER_OTLP_ENDPOINT": "collector:4317"])
        }
        #expect(throws: OTLPExporterConfiguration.ConfigurationError.self) {
            try OTLPHTTPSpanExporter(configuration: OTLPExporterConfiguration(endpoint: "http://x:4317", wireProtocol: .grpc))
        }
    }
}
