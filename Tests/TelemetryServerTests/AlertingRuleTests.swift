import PromQL
import TelemetryServer
import Testing

/// Alert lifecycle on virtual time: the rule is evaluated at chosen instants over fixed data.
@Suite("Alerting and recording rules")
struct AlertingRuleTests {
    private func rule(_ yaml: String) throws -> RuleDefinition {
        try #require(RuleFile.parse(yaml, path: "t.yml").groups.first?.rules.first)
    }

    /// `up{job="api"}` is 0 from 0 to 300 s (samples every 15 s), then 1.
    private let source = InMemorySeriesSource([
        Series(
            labels: Labels([("__name__", "up"), ("job", "api"), ("instance", "a")]),
            samples: stride(from: Int64(0), through: 900_000, by: 15_000).map { Sample(time: $0, value: $0 <= 300_000 ? 0 : 1) })
    ])

    @Test func pendingFiringResolvedAndForgotten() throws {
        var alerting = AlertingRule(try rule("""
            groups:
              - name: g
                rules:
                  - alert: Down
                    expr: up == 0
                    for: 1m
                    labels: {severity: page, where: "{{ $labels.instance }}"}
                    annotations: {summary: "{{ $labels.job }} down, value {{ $value }}"}
            """))
        let engine = Engine()
        var samples = try alerting.evaluate(at: 0, engine: engine, source: source)
        let alert = try #require(alerting.active.values.first)
        #expect(alert.state == .pending)
        #expect(alert.labels == Labels([("alertname", "Down"), ("instance", "a"), ("job", "api"), ("severity", "page"), ("where", "a")]))
        #expect(alert.annotations["summary"] == "api down, value 0")
        #expect(samples.contains { $0.labels["alertstate"] == "pending" && $0.labels[Labels.metricName] == "ALERTS" })
        _ = try alerting.evaluate(at: 30_000, engine: engine, source: source)
        #expect(alerting.active.values.first?.state == .pending)
        samples = try alerting.evaluate(at: 60_000, engine: engine, source: source)
        #expect(alerting.active.values.first?.state == .firing)
        #expect(alerting.active.values.first?.firedAt == 60_000)
        #expect(samples.contains { $0.labels["alertstate"] == "firing" })
        #expect(samples.first { $0.labels[Labels.metricName] == "ALERTS_FOR_STATE" }?.value == 0)
        // up is 1 from 315 s: resolved, reported as inactive, no ALERTS sample.
        samples = try alerting.evaluate(at: 330_000, engine: engine, source: source)
        #expect(alerting.active.values.first?.state == .inactive)
        #expect(alerting.active.values.first?.resolvedAt == 330_000)
        #expect(samples.isEmpty)
        // Kept as resolved for 15 minutes, then forgotten.
        _ = try alerting.evaluate(at: 330_000 + AlertingRule.resolvedRetention, engine: engine, source: source)
        #expect(alerting.active.count == 1)
        _ = try alerting.evaluate(at: 330_001 + AlertingRule.resolvedRetention, engine: engine, source: source)
        #expect(alerting.active.isEmpty)
    }

    @Test func keepFiringForHoldsAResolvedCondition() throws {
        var alerting = AlertingRule(try rule("""
            groups:
              - name: g
                rules:
                  - alert: Down
                    expr: up == 0
                    keep_firing_for: 2m
            """))
        let engine = Engine()
        _ = try alerting.evaluate(at: 240_000, engine: engine, source: source)
        #expect(alerting.active.values.first?.state == .firing, "no for: fires at once")
        _ = try alerting.evaluate(at: 330_000, engine: engine, source: source)
        #expect(alerting.active.values.first?.state == .firing)
        #expect(alerting.active.values.first?.keepFiringSince == 330_000)
        _ = try alerting.evaluate(at: 420_000, engine: engine, source: source)
        #expect(alerting.active.values.first?.state == .firing)
        _ = try alerting.evaluate(at: 450_000, engine: engine, source: source)
        #expect(alerting.active.values.first?.state == .inactive)
    }

    /// Two instances of `up`, both 0.
    private let pair = InMemorySeriesSource([
        Series(labels: Labels([("__name__", "up"), ("instance", "a")]), samples: [Sample(time: 0, value: 0)]),
        Series(labels: Labels([("__name__", "up"), ("instance", "b")]), samples: [Sample(time: 0, value: 0)]),
    ])

    @Test func pendingAlertsThatClearAreDroppedAndLimitsHold() throws {
        var alerting = AlertingRule(try rule("groups: [{name: g, rules: [{alert: A, expr: up == 0, for: 10m}]}]"))
        let engine = Engine()
        _ = try alerting.evaluate(at: 0, engine: engine, source: source)
        _ = try alerting.evaluate(at: 330_000, engine: engine, source: source)
        #expect(alerting.active.isEmpty)

        var clashing = AlertingRule(try rule("groups: [{name: g, rules: [{alert: A, expr: up == 0, labels: {instance: same}}]}]"))
        #expect(throws: RuleError(message: "vector contains metrics with the same labelset after applying alert labels")) {
            _ = try clashing.evaluate(at: 0, engine: engine, source: pair)
        }
        var limited = AlertingRule(try rule("groups: [{name: g, rules: [{alert: A, expr: up == 0}]}]"))
        #expect(throws: RuleError(message: "exceeded limit of 1 with 2 alerts")) {
            _ = try limited.evaluate(at: 0, engine: engine, source: pair, limit: 1)
        }
        #expect(limited.active.isEmpty)
    }

    @Test func recordingRulesRenameLabelAndLimit() throws {
        let recording = RecordingRule(try rule("""
            groups:
              - name: g
                rules:
                  - record: job:up:sum
                    expr: sum by (job) (up)
                    labels: {team: sre}
            """))
        let samples = try recording.evaluate(at: 600_000, engine: Engine(), source: source)
        #expect(samples.map(\.labels) == [Labels([("__name__", "job:up:sum"), ("job", "api"), ("team", "sre")])])
        #expect(samples.first?.value == 1)
        let each = RecordingRule(try rule("groups: [{name: g, rules: [{record: 'instance:up', expr: up}]}]"))
        #expect(throws: RuleError(message: "exceeded limit 1 with 2 series")) {
            _ = try each.evaluate(at: 0, engine: Engine(), source: pair, limit: 1)
        }
        #expect(try each.evaluate(at: 0, engine: Engine(), source: pair).count == 2)
    }
}
