import HTTPServer
import OTLP
import SwiftProtobuf
import Telemetry
import Testing

@Suite("Periodic OTLP metric export")
struct PeriodicMetricExporterTests {
    @Test func theRegistryIsExportedOnScheduleAndAtShutdown() async throws {
        let endpoint = try ScriptedEndpoint { _ in HTTPResponse(contentType: "application/x-protobuf", body: []) }
        let registry = MetricRegistry()
        try registry.counter(name: "orders_total", help: "Orders.", labelNames: ["region"]).labels("eu").increment(by: 3)
        try registry.upDownCounter(name: "inflight", help: "In flight.").add(-2)
        try registry.gauge(name: "temperature_celsius", help: "T.", unit: "celsius").set(21.5)
        let latency = try registry.histogram(
            name: "latency_seconds", help: "Latency.", unit: "seconds", buckets: [0.1, 1])
        for value in [0.05, 0.5, 5] { latency.observe(value) }
        let exporter = try PeriodicMetricExporter(
            registry: registry, resource: Resource(attributes: ["service.name": "shop"]),
            configuration: OTLPExporterConfiguration(endpoint: endpoint.url + "/v1/metrics"),
            interval: .milliseconds(100))
        for _ in 0..<300 where endpoint.received.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        await exporter.shutdown()
        let received = endpoint.received
        #expect(received.count >= 2, "one scheduled export and one at shutdown")
        let last = try #require(received.last)
        let request = try Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceRequest(serializedBytes: last.body)
        let resource = try #require(request.resourceMetrics.first)
        #expect(resource.resource.attributes.contains { $0.key == "service.name" && $0.value.stringValue == "shop" })
        let metrics = Dictionary(
            uniqueKeysWithValues: (resource.scopeMetrics.first?.metrics ?? []).map { ($0.name, $0) })
        let orders = try #require(metrics["orders"])
        #expect(orders.sum.isMonotonic && orders.sum.aggregationTemporality == .cumulative)
        #expect(orders.sum.dataPoints.first?.asDouble == 3)
        #expect(orders.sum.dataPoints.first?.attributes.first?.key == "region")
        #expect(metrics["inflight"]?.sum.isMonotonic == false)
        #expect(metrics["inflight"]?.sum.dataPoints.first?.asDouble == -2)
        #expect(metrics["temperature_celsius"]?.gauge.dataPoints.first?.asDouble == 21.5)
        let histogram = try #require(metrics["latency_seconds"])
        #expect(histogram.unit == "s")
        let point = try #require(histogram.histogram.dataPoints.first)
        #expect(point.explicitBounds == [0.1, 1])
        #expect(point.bucketCounts == [1, 1, 1])
        #expect(point.count == 3 && point.sum == 5.55)
        #expect(point.startTimeUnixNano > 0 && point.timeUnixNano >= point.startTimeUnixNano)
        #expect(exporter.deliveredExports == received.count)
        await endpoint.stop()
    }
}
