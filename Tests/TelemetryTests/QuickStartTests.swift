import Logging
import Telemetry
import Testing

/// The README's quick start, call for call, with in-memory exporters in place of OTLP so the
/// results can be read back.
@Suite("README quick start")
struct QuickStartTests {
    @Test func spansCurrentSpanTracedAndLinks() async throws {
        let exporter = InMemorySpanExporter()
        let provider = TracerProvider(processors: [SimpleSpanProcessor(exporter: exporter)])
        let tracer = provider.tracer("shop")

        let batch = tracer.startSpan("nightly batch", parent: nil)
        batch.end()
        tracer.withSpan("POST /checkout", kind: .server) { span in
            Span.current?.setAttribute("cart.items", 3)
            span.addLink(batch.context, attributes: ["reason": "same order"])
        }
        let charge = tracer.traced("charge card", kind: .client) { (cents: Int) async throws -> Bool in cents < 10_000 }
        let approved = try await charge(4_200)
        await provider.shutdown()

        #expect(approved)
        let spans = Dictionary(exporter.finishedSpans.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let checkout = try #require(spans["POST /checkout"])
        #expect(checkout.attributes["cart.items"] == 3)
        #expect(checkout.links.first?.context == batch.context)
        #expect(checkout.links.first?.attributes["reason"] == "same order")
        #expect(spans["charge card"]?.kind == .client)
        #expect(spans["charge card"]?.parentSpanID == nil)
    }

    @Test func metricsByInstrumentAndByName() throws {
        let registry = MetricRegistry()
        let orders = try registry.counter(name: "shop_orders_total", help: "Orders placed.", labelNames: ["region"])
        try orders.labels("eu").increment()
        try registry.gauge(name: "shop_queue_depth", help: "Orders waiting.").set(7)
        try registry.histogram(name: "shop_checkout_seconds", help: "Checkout time.", unit: "seconds").observe(0.042)
        try registry.record(name: "shop_orders_total", value: 2, attributes: ["region": "us"])

        let text = String(decoding: ExpositionEncoder(format: .prometheusText).encode(registry), as: UTF8.self)
        #expect(text.contains("shop_orders_total{region=\"eu\"} 1\n"))
        #expect(text.contains("shop_orders_total{region=\"us\"} 2\n"))
        #expect(text.contains("shop_queue_depth 7\n"))
        #expect(text.contains("shop_checkout_seconds_count 1\n"))
    }

    @Test func logsCarryTheCurrentSpan() async throws {
        let exporter = InMemoryLogRecordExporter()
        let logs = BatchLogRecordProcessor(exporter: exporter)
        let tracer = TracerProvider(processors: []).tracer("shop")
        let logger = Logger(label: "shop") { label in TelemetryLogHandler(label: label, processor: logs) }
        let context = tracer.withSpan("refund") { span in
            logger.info("refund issued", metadata: ["order": "A-17"])
            return span.context
        }
        await logs.shutdown()

        let record = try #require(exporter.exportedRecords.first)
        #expect(record.body == .string("refund issued"))
        #expect(record.attributes["order"] == .string("A-17"))
        #expect(record.spanContext?.traceID == context.traceID)
        #expect(record.spanContext?.spanID == context.spanID)
    }
}
