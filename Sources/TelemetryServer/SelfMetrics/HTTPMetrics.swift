import HTTPServer
import Telemetry

/// Request counts and latencies of the server's own HTTP listener.
final class HTTPMetrics: Sendable {
    private let requests: Counter
    private let duration: Histogram

    init(registry: MetricRegistry) throws(MetricError) {
        requests = try registry.counter(
            name: "telemetryd_http_requests_total", help: "HTTP requests answered, by handler, method and status code.",
            labelNames: ["handler", "method", "code"])
        duration = try registry.histogram(
            name: "telemetryd_http_request_duration_seconds", help: "Time to answer HTTP requests, by handler and method.",
            unit: "seconds", labelNames: ["handler", "method"])
    }

    func record(_ request: CompletedRequest) {
        try? requests.labels(request.handler, request.method, String(request.status)).increment()
        try? duration.labels(request.handler, request.method).observe(request.durationSeconds)
    }
}
