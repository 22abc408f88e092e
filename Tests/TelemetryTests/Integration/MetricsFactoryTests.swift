import CoreMetrics
import Telemetry
import Testing

@Suite("swift-metrics backend")
struct MetricsFactoryTests {
    @Test func everySwiftMetricsInstrumentLandsInTheRegistry() throws {
        let registry = MetricRegistry()
        let factory = TelemetryMetricsFactory(registry: registry)
        let counter = CoreMetrics.Counter(label: "http.requests", dimensions: [("method", "GET"), ("code", "200")], factory: factory)
        counter.increment(by: 3)
        let floating = FloatingPointCounter(label: "bytes.sent", factory: factory)
        floating.increment(by: 1.5)
        let meter = Meter(label: "queue.depth", factory: factory)
        meter.set(10)
        meter.decrement(by: 4)
        let recorder = Recorder(label: "payload_size", factory: factory)
        recorder.record(300)
        recorder.record(0.2)
        let lastValue = Recorder(label: "temperature", aggregate: false, factory: factory)
        lastValue.record(21.5)
        let timer = CoreMetrics.Timer(label: "db.query", factory: factory)
        timer.recordMilliseconds(30)
        let text = String(decoding: ExpositionEncoder(format: .prometheusText).encode(registry), as: UTF8.self)
        #expect(text.contains("http_requests_total{code=\"200\",method=\"GET\"} 3\n"))
        #expect(text.contains("bytes_sent_total 1.5\n"))
        #expect(text.contains("queue_depth 6\n"))
        #expect(text.contains("payload_size_count 2\n"))
        #expect(text.contains("payload_size_bucket{le=\"0.25\"} 1\n"))
        #expect(text.contains("temperature 21.5\n"))
        #expect(text.contains("db_query_seconds_bucket{le=\"0.05\"} 1\n"))
        #expect(text.contains("db_query_seconds_sum 0.03\n"))
    }

    @Test func aConflictingLabelRecordsNothingInsteadOfCrashing() {
        let registry = MetricRegistry()
        let factory = TelemetryMetricsFactory(registry: registry)
        CoreMetrics.Counter(label: "jobs", factory: factory).increment()
        let clash = Meter(label: "jobs", factory: factory)
        clash.set(99)
        let text = String(decoding: ExpositionEncoder(format: .prometheusText).encode(registry), as: UTF8.self)
        #expect(text.contains("jobs_total 1\n"))
        #expect(!text.contains("99"))
    }
}
