import Telemetry

/// What the receiver and the storage writer count, on `/metrics`.
final class IngestMetrics: Sendable {
    let spans: SignalCounters
    let dataPoints: SignalCounters
    let logRecords: SignalCounters
    let writeQueueDepth: Gauge
    let storageSize: Gauge
    let writeDuration: Histogram
    let metricSeries: Gauge
    let truncatedValues: Counter

    init(registry: MetricRegistry) throws(MetricError) {
        spans = try SignalCounters(items: "spans", description: "Spans", registry: registry)
        dataPoints = try SignalCounters(items: "data_points", description: "Metric data points", registry: registry)
        logRecords = try SignalCounters(items: "log_records", description: "Log records", registry: registry)
        writeQueueDepth = try registry.gauge(
            name: "telemetryd_storage_write_queue_depth", help: "Rows waiting to be written to SQLite.")
        storageSize = try registry.gauge(
            name: "telemetryd_storage_size_bytes", help: "Bytes used by the SQLite database and its WAL.",
            unit: "bytes")
        writeDuration = try registry.histogram(
            name: "telemetryd_storage_write_duration_seconds", help: "Time to write and commit one batch.",
            unit: "seconds", buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5])
        metricSeries = try registry.gauge(
            name: "telemetryd_otlp_metric_series", help: "Series received over OTLP and exposed on /metrics.")
        truncatedValues = try registry.counter(
            name: "telemetryd_receiver_truncated_values_total",
            help: "Attribute values, log bodies and names cut to the per-value size limit before storing.")
    }
}
