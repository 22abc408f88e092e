// An application showing its own live dashboard: metrics change ten times a second and the
// browser follows. Run it and open http://127.0.0.1:9464/#/views
//
//   swift run dashboard-demo [port] [seconds]
import Foundation
import Telemetry
import TelemetryServer

let arguments = CommandLine.arguments
let port = arguments.count > 1 ? UInt16(arguments[1]) ?? 9464 : 9464
let seconds = arguments.count > 2 ? Double(arguments[2]) ?? .infinity : .infinity

let registry = MetricRegistry.shared
let queueDepth = try registry.gauge(name: "queue_depth", help: "Jobs waiting in the demo's queue.")
let processed = try registry.counter(name: "jobs_processed_total", help: "Jobs the demo has finished.")
let latency = try registry.histogram(
    name: "job_duration_seconds", help: "Time to finish one job.", unit: "seconds",
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5])

let dashboard = try await DashboardServer.start(port: port, registry: registry)
try await dashboard.registerView(metric: "queue_depth", chart: .line, title: "Queue depth", refresh: .init(milliseconds: 250))
try await dashboard.registerView(metric: "queue_depth", chart: .stat, title: "Queue depth now", refresh: .init(milliseconds: 250))

try await dashboard.registerView(
    metric: "rate(jobs_processed_total[10s])", chart: .area, title: "Jobs per second", unit: "jobs/s")
try await dashboard.registerView(
    metric: "sum by (le) (rate(job_duration_seconds_bucket[10s]))", chart: .heatmap, title: "Job durations")
print("dashboard on http://127.0.0.1:\(dashboard.port)/#/views")

// A queue that fills and drains in waves, updated every 100 ms.
let started = Date()
var tick = 0.0
while Date().timeIntervalSince(started) < seconds {
    tick += 1
    let depth = 50 + 40 * sin(tick / 30) + Double.random(in: -5...5)
    queueDepth.set(depth.rounded())
    let finished = Int.random(in: 5...15)
    processed.increment(by: Int64(finished))
    for _ in 0..<finished { latency.observe(Double.random(in: 0.002...0.2) * (1 + depth / 100)) }
    dashboard.updateDisplay()
    try await Task.sleep(for: .milliseconds(100))
}
await dashboard.stop()
