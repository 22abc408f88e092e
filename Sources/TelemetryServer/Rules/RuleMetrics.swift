import Telemetry

/// The rule engine's own metrics: Prometheus's `prometheus_rule_*` under `telemetryd_` names,
/// labelled by `rule_group` (`file;group`).
final class RuleMetrics: Sendable {
    let evaluations: Counter
    let failures: Counter
    let lastDuration: Gauge
    let iterations: Counter
    let missedIterations: Counter
    let rules: Gauge
    let interval: Gauge
    let lastEvaluation: Gauge

    init(registry: MetricRegistry) throws(MetricError) {
        let group = ["rule_group"]
        evaluations = try registry.counter(
            name: "telemetryd_rule_evaluations_total", help: "Rule evaluations.", labelNames: group)
        failures = try registry.counter(
            name: "telemetryd_rule_evaluation_failures_total", help: "Rule evaluations that failed.", labelNames: group)
        lastDuration = try registry.gauge(
            name: "telemetryd_rule_group_last_duration_seconds", help: "Duration of the group's last evaluation.",
            labelNames: group)
        iterations = try registry.counter(
            name: "telemetryd_rule_group_iterations_total", help: "Scheduled evaluations of the group.", labelNames: group)
        missedIterations = try registry.counter(
            name: "telemetryd_rule_group_iterations_missed_total",
            help: "Evaluations skipped because the previous one ran past its slot.", labelNames: group)
        rules = try registry.gauge(name: "telemetryd_rule_group_rules", help: "Rules in the group.", labelNames: group)
        interval = try registry.gauge(
            name: "telemetryd_rule_group_interval_seconds", help: "The group's evaluation interval.", labelNames: group)
        lastEvaluation = try registry.gauge(
            name: "telemetryd_rule_group_last_evaluation_timestamp_seconds",
            help: "When the group was last evaluated (Unix seconds).", labelNames: group)
    }
}
