import Telemetry

/// The receiver's counters for one signal (spans, data points or log records).
struct SignalCounters: Sendable {
    /// Items accepted and stored.
    let received: Counter
    /// Items rejected as invalid (reported in `partial_success`).
    let rejected: Counter
    /// Valid items refused with 503 because the write queue was full or storage failed.
    let dropped: Counter

    /// Registers `telemetryd_receiver_{received,rejected,dropped}_<items>_total`.
    init(items: String, description: String, registry: MetricRegistry) throws(MetricError) {
        received = try registry.counter(
            name: "telemetryd_receiver_received_\(items)_total", help: "\(description) received over OTLP and stored.")
        rejected = try registry.counter(
            name: "telemetryd_receiver_rejected_\(items)_total",
            help: "\(description) rejected as invalid (reported in partial_success).")
        dropped = try registry.counter(
            name: "telemetryd_receiver_dropped_\(items)_total",
            help: "\(description) refused with 503 because the write queue was full or storage failed.")
    }
}
