import Foundation
import HTTPServer
import PromQL
import Synchronization
import Telemetry

/// Publishes telemetryd's own health every second on the `health` topic (ingest rates,
/// queue depths, drops, storage size, event-stream clients), and the summaries of data just
/// stored on `traces` and `logs`.
final class HealthPublisher: Sendable {
    let registry: MetricRegistry
    let events: EventBroadcaster
    let summaries: SignalSummaries
    /// Refreshes gauges read from outside the registry, as a scrape does first.
    let beforeSample: @Sendable () -> Void
    private let previous = Mutex<(time: Double, totals: [String: Double])?>(nil)

    init(
        registry: MetricRegistry, events: EventBroadcaster, summaries: SignalSummaries,
        beforeSample: @escaping @Sendable () -> Void
    ) {
        self.registry = registry
        self.events = events
        self.summaries = summaries
        self.beforeSample = beforeSample
    }

    /// Publishes every `interval` until the task is cancelled; idle while no browser listens.
    func run(every interval: Duration = .seconds(1)) async {
        while !Task.isCancelled {
            if events.clientCount > 0 { publishOnce() }
            try? await Task.sleep(for: interval)
        }
    }

    /// The counters and gauges read, by metric name (summed over labels).
    static let watched = [
        "telemetryd_receiver_received_spans_total", "telemetryd_receiver_received_data_points_total",
        "telemetryd_receiver_received_log_records_total", "telemetryd_receiver_dropped_spans_total",
        "telemetryd_receiver_dropped_data_points_total", "telemetryd_receiver_dropped_log_records_total",
        "telemetryd_receiver_rejected_spans_total", "telemetryd_storage_write_queue_depth",
        "telemetryd_storage_size_bytes", "telemetryd_notifications_queue_length", "telemetryd_notifications_dropped_total",
        "telemetryd_history_series",
    ]

    func publishOnce() {
        beforeSample()
        let wanted = Set(Self.watched)
        var totals: [String: Double] = [:]
        for sample in registry.gather() where wanted.contains(sample.name) {
            totals[sample.name, default: 0] += sample.value
        }
        let now = Date().timeIntervalSince1970
        let before = previous.withLock { previous in
            defer { previous = (now, totals) }
            return previous
        }
        func rate(_ name: String) -> Double {
            guard let before, now > before.time else { return 0 }
            return max(0, ((totals[name] ?? 0) - (before.totals[name] ?? 0)) / (now - before.time))
        }
        func value(_ name: String) -> String { APIFormat.plain(totals[name] ?? 0) }
        let data = "{\"time\":\(APIFormat.plain(now)),"
            + "\"ingest\":{\"spans\":\(APIFormat.plain(rate("telemetryd_receiver_received_spans_total"))),"
            + "\"dataPoints\":\(APIFormat.plain(rate("telemetryd_receiver_received_data_points_total"))),"
            + "\"logRecords\":\(APIFormat.plain(rate("telemetryd_receiver_received_log_records_total")))},"
            + "\"received\":{\"spans\":\(value("telemetryd_receiver_received_spans_total")),"
            + "\"dataPoints\":\(value("telemetryd_receiver_received_data_points_total")),"
            + "\"logRecords\":\(value("telemetryd_receiver_received_log_records_total"))},"
            + "\"dropped\":{\"spans\":\(value("telemetryd_receiver_dropped_spans_total")),"
            + "\"dataPoints\":\(value("telemetryd_receiver_dropped_data_points_total")),"
            + "\"logRecords\":\(value("telemetryd_receiver_dropped_log_records_total")),"
            + "\"notifications\":\(value("telemetryd_notifications_dropped_total")),"
            + "\"eventClients\":\(events.droppedClients)},"
            + "\"writeQueueDepth\":\(value("telemetryd_storage_write_queue_depth")),"
            + "\"notificationQueue\":\(value("telemetryd_notifications_queue_length")),"
            + "\"storageBytes\":\(value("telemetryd_storage_size_bytes")),"
            + "\"historySeries\":\(value("telemetryd_history_series")),"
            + "\"eventClients\":\(events.clientCount)}"
        events.publish(topic: DashboardTopic.health, data: data)
        if let traces = summaries.takeTraces() { events.publish(topic: DashboardTopic.traces, data: traces) }
        if let logs = summaries.takeLogs() { events.publish(topic: DashboardTopic.logs, data: logs) }
    }
}
