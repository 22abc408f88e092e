import Telemetry

/// What the metric history and the PromQL engine report about themselves on `/metrics`.
final class HistoryMetrics: Sendable {
    private let series: Gauge
    private let samples: MirroredCounter
    private let refused: MirroredCounter
    let queryDuration: Histogram

    init(registry: MetricRegistry) throws(MetricError) {
        series = try registry.gauge(name: "telemetryd_history_series", help: "Series held in the metric history.")
        samples = MirroredCounter(
            try registry.counter(
                name: "telemetryd_history_samples_appended", help: "Samples appended to the metric history."))
        refused = MirroredCounter(
            try registry.counter(
                name: "telemetryd_history_refused_samples",
                help: "Samples of new series not kept because the history holds history.max_series series."))
        queryDuration = try registry.histogram(
            name: "telemetryd_query_duration_seconds", help: "Time to evaluate PromQL queries, by endpoint.",
            unit: "seconds", labelNames: ["endpoint"],
            buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 60])
    }

    func update(from history: MetricHistory) {
        series.set(Double(history.seriesCount))
        samples.follow(history.samplesAppended)
        refused.follow(history.refusedSeries)
    }
}
