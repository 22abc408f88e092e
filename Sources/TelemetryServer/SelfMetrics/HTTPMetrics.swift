import HTTPServer
import Telemetry

/// Request counts and latencies of the server's own HTTP listener, and what its defences
/// against hostile clients are doing.
final class HTTPMetrics: Sendable {
    private let requests: Counter
    private let duration: Histogram
    private let headerTimeouts: MirroredCounter
    private let bodyBytesInFlight: Gauge

    init(registry: MetricRegistry) throws(MetricError) {
        requests = try registry.counter(
            name: "telemetryd_http_requests_total", help: "HTTP requests answered, by handler, method and status code.",
            labelNames: ["handler", "method", "code"])
        duration = try registry.histogram(
            name: "telemetryd_http_request_duration_seconds", help: "Time to answer HTTP requests, by handler and method.",
            unit: "seconds", labelNames: ["handler", "method"])
        headerTimeouts = MirroredCounter(
            try registry.counter(
                name: "telemetryd_http_header_timeouts_total",
                help: "Connections closed because the request headers did not arrive within the header timeout."))
        bodyBytesInFlight = try registry.gauge(
            name: "telemetryd_http_in_flight_body_bytes",
            help: "Bytes of request bodies held by the HTTP and OTLP/gRPC listeners (after inflating), counted against the memory budget.", unit: "bytes")
    }

    func record(_ request: CompletedRequest) {
        try? requests.labels(request.handler, request.method, String(request.status)).increment()
        try? duration.labels(request.handler, request.method).observe(request.durationSeconds)
    }

    /// Copies the server's own counts before a scrape.
    func update(from server: HTTPServer) {
        bodyBytesInFlight.set(Double(server.bodyBytesInFlight))
        headerTimeouts.follow(server.headerTimeouts)
    }
}
