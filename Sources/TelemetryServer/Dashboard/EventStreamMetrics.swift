import HTTPServer
import Telemetry

/// The event stream's own metrics, read from the broadcaster at each scrape.
struct EventStreamMetrics: MetricCollector {
    let events: EventBroadcaster

    func collect() -> [CollectedFamily] {
        [
            CollectedFamily(
                name: "telemetryd_dashboard_event_clients", type: .gauge,
                help: "Browsers connected to the dashboard's event stream.",
                series: [CollectedSeries(labels: [], value: .number(Double(events.clientCount)))]),
            CollectedFamily(
                name: "telemetryd_dashboard_event_clients_dropped", type: .counter,
                help: "Event-stream clients disconnected because they fell behind.",
                series: [CollectedSeries(labels: [], value: .number(Double(events.droppedClients)))]),
            CollectedFamily(
                name: "telemetryd_dashboard_events_published", type: .counter,
                help: "Events published on the dashboard's event stream.",
                series: [CollectedSeries(labels: [], value: .number(Double(events.publishedEvents)))]),
        ]
    }
}
