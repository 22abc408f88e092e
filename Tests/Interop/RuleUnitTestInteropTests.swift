import Foundation
import TestSupport
import Testing

/// `telemetryd test rules` against `promtool test rules` on the same files: the same verdict,
/// exit code, standard output and standard error, failing tests included.
@Suite("test rules against promtool", .enabled(if: peerAvailable("promtool")))
struct RuleUnitTestInteropTests {
    private static let rules = """
        groups:
          - name: g
            interval: 30s
            rules:
              - record: job:c:rate5m
                expr: sum by (job) (rate(c[5m]))
              - alert: Fast
                expr: job:c:rate5m > 0.3
                for: 2m
                labels: {severity: page}
                annotations: {summary: "{{ $labels.job }} at {{ $value | humanize }}/s"}
        """

    private static let cases: [(name: String, text: String)] = [
        ("passing", """
            rule_files: [rules.yml]
            evaluation_interval: 30s
            tests:
              - interval: 30s
                input_series:
                  - {series: 'c{job="a", i="1"}', values: '0+10x40'}
                  - {series: 'c{job="a", i="2"}', values: '0+1x40'}
                  - {series: 'c{job="b", i="1"}', values: '0+1x10 _x5 stale'}
                alert_rule_test:
                  - {eval_time: 1m, alertname: Fast}
                  - eval_time: 10m
                    alertname: Fast
                    exp_alerts:
                      - exp_labels: {job: a, severity: page}
                        exp_annotations: {summary: "a at 366.7m/s"}
                promql_expr_test:
                  - expr: job:c:rate5m
                    eval_time: 10m
                    exp_samples:
                      - {labels: 'job:c:rate5m{job="a"}', value: 0.3666666666666667}
                  - expr: count_over_time(c[5m])
                    eval_time: 10m
                    exp_samples:
                      - {labels: '{job="a", i="1"}', value: 11}
                      - {labels: '{job="a", i="2"}', value: 11}
                      - {labels: '{job="b", i="1"}', value: 1}
            """),
        ("failing", """
            rule_files: [rules.yml]
            evaluation_interval: 30s
            tests:
              - interval: 30s
                input_series:
                  - {series: 'c{job="a"}', values: '0+10x40'}
                alert_rule_test:
                  - eval_time: 10m
                    alertname: Fast
                    exp_alerts:
                      - exp_labels: {job: a, severity: ticket}
                promql_expr_test:
                  - expr: job:c:rate5m
                    eval_time: 10m
                    exp_samples:
                      - {labels: 'job:c:rate5m{job="a"}', value: 0}
            """),
    ]

    @Test func verdictsAndReportsMatchPromtool() async throws {
        let promtool = try requirePeer("promtool")
        let telemetryd = try telemetrydBinary()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("unit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.rules.write(to: directory.appendingPathComponent("rules.yml"), atomically: true, encoding: .utf8)
        for (name, text) in Self.cases {
            let file = "\(name).test.yml"
            try text.write(to: directory.appendingPathComponent(file), atomically: true, encoding: .utf8)
            let theirs = try await runOffPool(promtool, ["test", "rules", file], workingDirectory: directory.path)
            let ours = try await runOffPool(telemetryd, ["test", "rules", file], workingDirectory: directory.path)
            #expect(theirs.status == (name == "passing" ? 0 : 1), "\(name): \(theirs.stderr)")
            #expect(ours.status == theirs.status, "\(name)")
            #expect(String(decoding: ours.stdout, as: UTF8.self) == String(decoding: theirs.stdout, as: UTF8.self), "\(name)")
            #expect(ours.stderr == theirs.stderr, "\(name)\ntelemetryd:\n\(ours.stderr)\npromtool:\n\(theirs.stderr)")
        }
    }

    /// Every test file in `Fixtures/RuleTests` (`*.fail.test.yml` fail on purpose): the same
    /// exit code, standard output and standard error from both tools.
    @Test func fixtureFilesGiveTheSameReports() async throws {
        let promtool = try requirePeer("promtool")
        let telemetryd = try telemetrydBinary()
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/RuleTests")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".test.yml") }.sorted()
        var cases = 0
        for file in files {
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            cases += text.components(separatedBy: "eval_time:").count - 1
            let theirs = try await runOffPool(promtool, ["test", "rules", file], workingDirectory: directory.path)
            let ours = try await runOffPool(telemetryd, ["test", "rules", file], workingDirectory: directory.path)
            #expect(theirs.status == (file.hasSuffix(".fail.test.yml") ? 1 : 0), "\(file): \(theirs.stderr)")
            #expect(ours.status == theirs.status, "\(file)")
            #expect(String(decoding: ours.stdout, as: UTF8.self) == String(decoding: theirs.stdout, as: UTF8.self), "\(file)")
            #expect(ours.stderr == theirs.stderr, "\(file)\ntelemetryd:\n\(ours.stderr)\npromtool:\n\(theirs.stderr)")
        }
        #expect(cases >= 40, "\(cases) cases")
    }

    /// The shipped rules' unit tests pass under both.
    @Test func shippedRuleTestsPassForBoth() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("rules")
        let tests = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0.hasSuffix(".test.yml") }.sorted()
        #expect(!tests.isEmpty)
        for tool in [try requirePeer("promtool"), try telemetrydBinary()] {
            let result = try await runOffPool(tool, ["test", "rules"] + tests, workingDirectory: root.path)
            #expect(result.status == 0, "\(tool): \(result.stderr)")
        }
    }
}
