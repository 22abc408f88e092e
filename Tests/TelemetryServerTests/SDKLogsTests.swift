import Foundation
import Logging
import Telemetry
import TelemetryServer
import TestSupport
import Testing

@Suite("SDK logs into telemetryd")
struct SDKLogsTests {
    /// A log written through swift-log inside a span reaches telemetryd over OTLP/HTTP (gzip)
    /// and is found by the span's trace id, with its span id, severity, typed metadata and call
    /// site.
    @Test func aLogWrittenInASpanIsFoundByItsTrace() async throws {
        let service = try await startService()
        let port = service.boundAddress.port
        let exporter = try OTLPHTTPLogExporter(
            configuration: OTLPExporterConfiguration(endpoint: "http://127.0.0.1:\(port)/v1/logs", compression: .gzip))
        let processor = BatchLogRecordProcessor(
            exporter: exporter, configuration: BatchProcessorConfiguration(scheduledDelay: .milliseconds(50)))
        let resource = Resource(attributes: ["service.name": "swift-orders"])
        let tracer = TracerProvider(resource: resource, sampler: AlwaysOnSampler(), processors: []).tracer("orders")
        let logger = Logger(label: "orders.payment") { TelemetryLogHandler(label: $0, processor: processor, resource: resource) }
        let line = #line + 2
        let context = tracer.withSpan("place order") { span in
            logger.error("payment failed", metadata: [
                "order": .stringConvertible(42), "items": ["a", "b"], "customer": ["tier": "gold"], "paid": .stringConvertible(false),
            ])
            return span.context
        }
        await processor.shutdown()
        #expect(processor.statistics.exported == 1)
        let response = try await blocking {
            try RawHTTPClient(port: port).send("GET", "/api/logs?traceId=\(context.traceID.hex)")
        }
        #expect(response.status == 200)
        let logs = try #require(try json(response)["logs"] as? [[String: Any]])
        try #require(logs.count == 1, "\(response.text)")
        let log = logs[0]
        #expect(log["spanId"] as? String == context.spanID.hex)
        #expect(log["traceId"] as? String == context.traceID.hex)
        #expect(log["service"] as? String == "swift-orders")
        #expect(log["scope"] as? String == "orders.payment")
        #expect(log["severityNumber"] as? Int == 17)
        #expect(log["severityText"] as? String == "ERROR")
        #expect(log["body"] as? String == "payment failed")
        let attributes = try #require(log["attributes"] as? [String: Any])
        #expect(attributes["order"] as? Int == 42)
        #expect(attributes["paid"] as? Bool == false)
        #expect(attributes["items"] as? [String] == ["a", "b"])
        #expect((attributes["customer"] as? [String: Any])?["tier"] as? String == "gold")
        #expect(attributes["code.lineno"] as? Int == line)
        #expect((attributes["code.function"] as? String)?.hasPrefix("aLogWrittenInASpanIsFoundByItsTrace") == true)
        await service.stop()
    }
}
