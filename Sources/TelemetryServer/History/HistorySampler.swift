import Foundation
import Logging
import PromQL
import Telemetry

/// Samples telemetryd's own `/metrics` (its metrics, OTLP metrics, span metrics and any
/// collector) into the metric history every interval, reading the registry directly.
struct HistorySampler: Sendable {
    let registry: MetricRegistry
    let history: MetricHistory
    let interval: Duration
    /// Refreshes values read from outside the registry (the history's own metrics among
    /// them), as a scrape does first.
    let beforeSample: @Sendable () -> Void

    /// Samples until the task is cancelled.
    func run() async {
        while !Task.isCancelled {
            sampleOnce(at: Int64(Date().timeIntervalSince1970 * 1000))
            try? await Task.sleep(for: interval)
        }
    }

    /// One round at `time` (milliseconds).
    func sampleOnce(at time: Int64) {
        beforeSample()
        let samples = registry.gather().map { sample in
            (labels: Labels([(Labels.metricName, sample.name)] + sample.labels.map { ($0.name, $0.value) }), value: sample.value)
        }
        history.appendRound(samples, at: time)
    }
}
