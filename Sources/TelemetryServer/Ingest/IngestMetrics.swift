import Telemetry

/// What the receiver and the storage writer count, on `/metrics`.
final class IngestMetrics: Sendable {
    let receivedSpans: Counter
    let rejectedSpans: Counter
    let droppedSpans: Counter
    let receivedLogRecords: Counter
    let rejectedLogRecords: Counter
    let droppedLogRecords: Counter
    let writeQueueDepth: Gauge
    let storageSize: Gauge
    let writeDuration: Histogram

    init(registry: MetricRegistry) throws(MetricError) {
        receivedSpans = try registry.counter(
            name: "telemetryd_receiver_received_spans_total", help: "Spans received over OTLP and stored.")
        rejectedSpans = try registry.counter(
            name: "telemetryd_receiver_rejected_spans_total",
            help: "Spans rejected as invalid (reported in partial_success).")
        droppedSpans = try registry.counter(
            name: "telemetryd_receiver_dropped_spans_total",
            help: "Spans refused with 503 because the write queue was full or storage failed.")
        receivedLogRecords = try registry.counter(
            name: "telemetryd_receiver_received_log_records_total", help: "Log records received over OTLP and stored.")
        rejectedLogRecords = try registry.counter(
            name: "telemetryd_receiver_rejected_log_records_total",
            help: "Log records rejected as invalid (reported in partial_success).")
        droppedLogRecords = try registry.counter(
            name: "telemetryd_receiver_dropped_log_records_total",
            help: "Log records refused with 503 because the write queue was full or storage failed.")
        writeQueueDepth = try registry.gauge(
            name: "telemetryd_storage_write_queue_depth", help: "Rows waiting to be written to SQLite.")
        storageSize = try registry.gauge(
            name: "telemetryd_storage_size_bytes", help: "Bytes used by the SQLite database and its WAL.",
            unit: "bytes")
        writeDuration = try registry.histogram(
            name: "telemetryd_storage_write_duration_seconds", help: "Time to write and commit one batch.",
            unit: "seconds", buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5])
    }
}
