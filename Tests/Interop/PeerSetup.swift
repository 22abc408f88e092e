import Foundation
import HTTPServer
import Telemetry
import TelemetryServer
import TestSupport
import Testing

/// A peer binary, or a test failure under CI where it must be installed (`make test` does).
func requirePeer(_ name: String) throws -> String {
    let path = ExternalTool.find(name)
    if path == nil, ExternalTool.isCI {
        Issue.record("\(name) is missing under CI=true; scripts/install-deps.sh test installs it")
    }
    return try #require(path, "\(name) not installed (apt-get install prometheus)")
}

/// Whether a peer test can run here: always under CI (where a missing peer fails), otherwise
/// only when the peer is installed.
func peerAvailable(_ name: String) -> Bool {
    ExternalTool.isCI || ExternalTool.find(name) != nil
}

/// Whether the headless-browser tests can run: always under CI, otherwise when Chromium, its
/// driver and Selenium are installed.
func browserAvailable() -> Bool {
    ExternalTool.isCI || (peerAvailable("chromium") && peerAvailable("chromedriver") && PythonPeer.canImport("selenium"))
}

/// Chromium and chromedriver, or a test failure under CI.
func requireBrowser() throws {
    _ = try requirePeer("chromium")
    _ = try requirePeer("chromedriver")
}

/// A telemetryd service on an ephemeral port with application metrics of every kind added,
/// including exemplars, labels that need escaping and a histogram.
func startServiceWithSampleMetrics() async throws -> TelemetryService {
    var configuration = ServerConfiguration()
    configuration.listenAddress = ListenAddress(host: "127.0.0.1", port: 0)
    configuration.grpcListenAddress = nil
    configuration.storagePath = FileManager.default.temporaryDirectory
        .appendingPathComponent("telemetryd-interop-\(UUID().uuidString)").path
    let service = try TelemetryService(configuration: configuration)
    let registry = service.registry
    let orders = try registry.counter(name: "shop_orders_total", help: "Orders placed.", labelNames: ["region", "note"])
    try orders.labels("eu", "plain").increment(by: 5)
    try orders.labels("us", "quote \" backslash \\ newline \n ü").increment(by: 2)
    try orders.labels("eu", "traced").increment(
        by: 1, exemplar: Exemplar(traceID: sampleTraceID, spanID: "00f067aa0ba902b7", value: 1))
    let latency = try registry.histogram(
        name: "shop_checkout_duration_seconds", help: "Checkout time.", unit: "seconds", labelNames: ["region"])
    let child = try latency.labels("eu")
    for value in [0.003, 0.02, 0.3, 4] { child.observe(value) }
    child.observe(0.7, exemplar: Exemplar(traceID: sampleTraceID, spanID: "00f067aa0ba902b8", value: 0.7))
    let queue = try registry.upDownCounter(name: "shop_queue_depth", help: "Queued orders.")
    queue.add(7)
    let temperature = try registry.gauge(name: "shop_oven_celsius", help: "Oven temperature.", unit: "celsius")
    temperature.set(-3.5)
    try await service.start()
    return service
}

let sampleTraceID = "4bf92f3577b34da6a3ce929d0e0e4736"
