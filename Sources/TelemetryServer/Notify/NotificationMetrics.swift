import Telemetry

/// The notification pipeline's metrics, by receiver (`telemetryd_notifications_*`).
final class NotificationMetrics: Sendable {
    private let sentTotal: Counter
    private let errorsTotal: Counter
    private let droppedTotal: Counter
    private let latency: Histogram
    let queueLength: Gauge
    let oldestAge: Gauge

    init(registry: MetricRegistry) throws(MetricError) {
        let receiver = ["receiver"]
        sentTotal = try registry.counter(
            name: "telemetryd_notifications_sent_total", help: "Notifications delivered (answered 2xx).", labelNames: receiver)
        errorsTotal = try registry.counter(
            name: "telemetryd_notifications_errors_total",
            help: "Notifications whose delivery failed (retried unless refused with a 4xx).", labelNames: receiver)
        droppedTotal = try registry.counter(
            name: "telemetryd_notifications_dropped_total",
            help: "Notifications dropped: older than alerting.max_notification_age.", labelNames: receiver)
        latency = try registry.histogram(
            name: "telemetryd_notifications_latency_seconds", help: "Time to deliver one request of notifications.",
            labelNames: receiver)
        queueLength = try registry.gauge(
            name: "telemetryd_notifications_queue_length", help: "Notifications waiting in the durable queue.")
        oldestAge = try registry.gauge(
            name: "telemetryd_notifications_queue_oldest_age_seconds", help: "Age of the oldest queued notification.")
    }

    func sent(_ receiver: String, count: Int, seconds: Double) {
        try? sentTotal.labels(receiver).increment(by: Int64(count))
        try? latency.labels(receiver).observe(seconds)
    }

    func failed(_ receiver: String, count: Int) {
        try? errorsTotal.labels(receiver).increment(by: Int64(count))
    }

    func dropped(_ receiver: String, count: Int) {
        try? droppedTotal.labels(receiver).increment(by: Int64(count))
    }
}
