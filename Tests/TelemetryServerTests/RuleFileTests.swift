import PromQL
import TelemetryServer
import Testing

@Suite("Rule files")
struct RuleFileTests {
    @Test func groupsAndRulesAreReadWithTheirSettings() throws {
        let file = try RuleFile.parse(
            """
            groups:
              - name: red
                interval: 30s
                limit: 100
                query_offset: 1m
                labels: {team: api}
                rules:
                  - record: job:errors:rate5m
                    expr: sum by (job) (rate(errors_total[5m]))
                  - alert: HighErrorRate
                    expr: job:errors:rate5m > 0.1
                    for: 5m
                    keep_firing_for: 10m
                    labels: {severity: page}
                    annotations:
                      summary: "{{ $labels.job }} fails"
            """, path: "red.yml")
        #expect(file.ruleCount == 2)
        let group = try #require(file.groups.first)
        #expect(group.name == "red")
        #expect(group.interval?.milliseconds == 30_000)
        #expect(group.limit == 100)
        #expect(group.queryOffset?.milliseconds == 60_000)
        #expect(group.labels == ["team": "api"])
        #expect(group.rules[0].kind == .recording(name: "job:errors:rate5m"))
        #expect(group.rules[0].expr.description == "sum by (job) (rate(errors_total[5m]))")
        #expect(group.rules[1].kind == .alerting(name: "HighErrorRate"))
        #expect(group.rules[1].holdFor.milliseconds == 300_000)
        #expect(group.rules[1].keepFiringFor.milliseconds == 600_000)
        #expect(group.rules[1].labels == ["severity": "page"])
        #expect(group.rules[1].annotations["summary"] == "{{ $labels.job }} fails")
    }

    @Test func everyProblemIsReportedWithItsPosition() {
        do {
            _ = try RuleFile.parse(
                """
                groups:
                  - name: a
                    rules:
                      - alert: X
                        expr: rate(x[5m]
                      - record: job:x
                        expr: x
                        for: 1m
                  - name: a
                    rules: []
                """, path: "bad.yml")
            Issue.record("expected problems")
        } catch {
            #expect(error.problems == [
                "5:15: group \"a\", rule 1, \"X\": could not parse expression: 1:11: parse error: unclosed left parenthesis",
                "6:17: group \"a\", rule 2, \"job:x\": invalid field 'for' in recording rule",
                "9:5: groupname: \"a\" is repeated in the same file",
            ])
        }
    }
}
