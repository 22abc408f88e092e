import Foundation
import Telemetry

/// Whether the last configuration reload worked, as Prometheus reports it.
final class ReloadMetrics: Sendable {
    private let successful: Gauge
    private let successTime: Gauge

    init(registry: MetricRegistry) throws(MetricError) {
        successful = try registry.gauge(
            name: "telemetryd_config_last_reload_successful", help: "Whether the last configuration reload succeeded.")
        successTime = try registry.gauge(
            name: "telemetryd_config_last_reload_success_timestamp_seconds",
            help: "When the configuration was last loaded successfully (Unix seconds).")
        succeeded()
    }

    func succeeded() {
        successful.set(1)
        successTime.set(Date().timeIntervalSince1970.rounded(.down))
    }

    func failed() {
        successful.set(0)
    }
}
