// telemetry-demo: emits a small trace tree, logs correlated with its spans and a few metrics over
// OTLP/HTTP, flushes and exits.
//
//   OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 OTEL_EXPORTER_OTLP_PROTOCOL=http/json \
//     swift run telemetry-demo
//
// The endpoint, protocol, headers and compression come from the standard OTEL_EXPORTER_OTLP_*
// variables (default http://localhost:4318, http/protobuf); the service name from
// OTEL_SERVICE_NAME (default telemetry-demo). It exits 1 when anything could not be exported.

import Foundation
import Logging
import Telemetry

enum PaymentError: Error, CustomStringConvertible {
    case declined(String)
    var description: String {
        switch self {
        case .declined(let reason): return "card declined: \(reason)"
        }
    }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("telemetry-demo: \(message)\n".utf8))
    exit(1)
}

let resource = Resource.fromEnvironment(defaults: ["service.name": "telemetry-demo", "service.version": "1.0.0"])
let spanExporter: OTLPHTTPSpanExporter
let logExporter: OTLPHTTPLogExporter
let metricExporter: PeriodicMetricExporter
let registry = MetricRegistry()
let orders: Counter
let checkoutSeconds: Histogram
let inflight: UpDownCounter
do {
    spanExporter = try OTLPHTTPSpanExporter()
    logExporter = try OTLPHTTPLogExporter()
    metricExporter = try PeriodicMetricExporter(registry: registry, resource: resource, interval: .seconds(3600))
    orders = try registry.counter(name: "demo_orders_total", help: "Orders placed.", labelNames: ["outcome"])
    checkoutSeconds = try registry.histogram(
        name: "demo_checkout_duration_seconds", help: "Checkout time.", unit: "seconds", buckets: [0.001, 0.01, 0.1, 1])
    inflight = try registry.upDownCounter(name: "demo_inflight_requests", help: "Requests in flight.")
} catch {
    fail("\(error)")
}
let processor = BatchSpanProcessor(exporter: spanExporter)
let provider = TracerProvider(resource: resource, sampler: AlwaysOnSampler(), processors: [processor])
let tracer = provider.tracer("telemetry-demo", version: "1.0.0")
let logProcessor = BatchLogRecordProcessor(exporter: logExporter)
let logger = Logger(label: "telemetry-demo.checkout") { label in
    TelemetryLogHandler(label: label, processor: logProcessor, resource: resource)
}

// A message published earlier, which the checkout links to.
let published = tracer.startSpan("publish cart-updated", parent: nil, kind: .producer, attributes: ["cart.id": "C-42"])
published.end()

let started = ContinuousClock.now
inflight.add(1)
let traceID: String = await tracer.withSpan(
    "POST /checkout", kind: .server, attributes: ["http.request.method": "POST", "http.route": "/checkout"],
    links: [SpanLink(published.context, attributes: ["link.reason": "triggered by"])]
) { root in
    await tracer.withSpan("reserve stock", attributes: ["items": 3]) { span in
        span.addEvent("stock reserved", attributes: ["warehouse": "eu-1"])
        logger.info("stock reserved", metadata: ["items": .stringConvertible(3), "warehouse": "eu-1"])
        try? await Task.sleep(for: .milliseconds(2))
    }
    do {
        try await tracer.withSpan("charge card", kind: .client, attributes: ["payment.provider": "acme"]) { _ in
            try await Task.sleep(for: .milliseconds(1))
            throw PaymentError.declined("insufficient funds")
        }
    } catch {
        logger.warning("payment declined", metadata: ["reason": "\(error)", "status": .stringConvertible(402)])
        root.setAttribute("http.response.status_code", 402)
        try? orders.labels("declined").increment()
    }
    return root.context.traceID.hex
}
inflight.add(-1)
let elapsed = (ContinuousClock.now - started).components
checkoutSeconds.observe(Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18)

await provider.shutdown()
await logProcessor.shutdown()
let exportedMetrics = await metricExporter.export()
let statistics = processor.statistics
let logStatistics = logProcessor.statistics
print(
    "trace \(traceID): \(statistics.exported) spans and \(logStatistics.exported) logs exported, "
        + "metrics \(exportedMetrics == .success ? "exported" : "failed")")
guard statistics.exported == 4, statistics.failed == 0, statistics.dropped == 0, logStatistics.exported == 2,
    exportedMetrics == .success
else {
    fail("export incomplete: spans \(statistics), logs \(logStatistics), metrics: \(exportedMetrics)")
}
