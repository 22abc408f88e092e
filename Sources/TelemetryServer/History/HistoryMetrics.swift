import Foundation
import Telemetry

/// What the metric history and the PromQL engine report about themselves on `/metrics`.
final class HistoryMetrics: Sendable {
    private let series: Gauge
    private let samples: MirroredCounter
    private let chunks: MirroredCounter
    private let diskBytes: Gauge
    private let outOfOrder: MirroredCounter
    private let conflicting: MirroredCounter
    private let seriesLimit: MirroredCounter
    let queryDuration: Histogram

    init(registry: MetricRegistry) throws(MetricError) {
        series = try registry.gauge(name: "telemetryd_history_series", help: "Series held in the metric history.")
        samples = MirroredCounter(
            try registry.counter(
                name: "telemetryd_history_samples_appended", help: "Samples appended to the metric history."))
        chunks = MirroredCounter(
            try registry.counter(
                name: "telemetryd_history_chunks_created", help: "Compressed chunks completed in the metric history."))
        diskBytes = try registry.gauge(
            name: "telemetryd_history_disk_bytes", help: "Bytes of the metric history's database and its WAL file.")
        let rejected = try registry.counter(
            name: "telemetryd_history_rejected_samples",
            help: "Samples not stored: out_of_order (older than the series' newest), duplicate_timestamp (another "
                + "value at the newest time), series_limit (new series past history.max_series).",
            labelNames: ["reason"])
        outOfOrder = MirroredCounter(try rejected.labels("out_of_order"))
        conflicting = MirroredCounter(try rejected.labels("duplicate_timestamp"))
        seriesLimit = MirroredCounter(try rejected.labels("series_limit"))
        queryDuration = try registry.histogram(
            name: "telemetryd_query_duration_seconds", help: "Time to evaluate PromQL queries, by endpoint.",
            unit: "seconds", labelNames: ["endpoint"],
            buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 60])
    }

    func update(from history: MetricHistory) {
        let totals = history.totals
        series.set(Double(history.seriesCount))
        samples.follow(totals.appended)
        chunks.follow(totals.chunksCut)
        outOfOrder.follow(totals.outOfOrder)
        conflicting.follow(totals.conflicting)
        seriesLimit.follow(totals.refusedSeries)
        diskBytes.set(Double(history.database.sizeBytes))
    }
}
