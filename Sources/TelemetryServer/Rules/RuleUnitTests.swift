import Foundation
import PromQL
import Yams

/// Rule unit tests in `promtool test rules` format: input series in expanding notation,
/// expected alerts at given times, expected results of PromQL expressions.
public enum RuleUnitTests {
    struct File: Decodable {
        var ruleFiles: [String]?
        var evaluationInterval: String?
        var groupEvalOrder: [String]?
        var tests: [TestGroup]?
        enum CodingKeys: String, CodingKey {
            case ruleFiles = "rule_files", evaluationInterval = "evaluation_interval", groupEvalOrder = "group_eval_order"
            case tests
        }
    }

    struct TestGroup: Decodable {
        var name: String?
        var interval: String?
        var inputSeries: [InputSeries]?
        var alertRuleTest: [AlertTest]?
        var promqlExprTest: [ExprTest]?
        var externalLabels: [String: String]?
        var externalURL: String?
        enum CodingKeys: String, CodingKey {
            case name, interval, inputSeries = "input_series", alertRuleTest = "alert_rule_test"
            case promqlExprTest = "promql_expr_test", externalLabels = "external_labels", externalURL = "external_url"
        }
    }

    struct InputSeries: Decodable {
        var series: String
        var values: String
    }

    struct AlertTest: Decodable {
        var evalTime: String
        var alertname: String
        var expAlerts: [ExpectedAlert]?
        enum CodingKeys: String, CodingKey { case evalTime = "eval_time", alertname, expAlerts = "exp_alerts" }
    }

    struct ExpectedAlert: Decodable {
        var expLabels: [String: String]?
        var expAnnotations: [String: String]?
        enum CodingKeys: String, CodingKey { case expLabels = "exp_labels", expAnnotations = "exp_annotations" }
    }

    struct ExprTest: Decodable {
        var expr: String
        var evalTime: String
        var expSamples: [ExpectedSample]?
        enum CodingKeys: String, CodingKey { case expr, evalTime = "eval_time", expSamples = "exp_samples" }
    }

    struct ExpectedSample: Decodable {
        var labels: String
        var value: Double
    }

    /// Runs the tests in `path`; returns each failure in promtool's words (none when every test
    /// passed).
    public static func run(_ path: String) -> [String] {
        do {
            return try check(path)
        } catch let invalid as RuleFile.Invalid {
            // promtool reports each problem of a rule file as its own failure.
            return invalid.problems.map { "\(invalid.path): \($0)" }
        } catch {
            return ["\(error)"]
        }
    }

    /// Why a test file cannot run.
    struct Problem: Error, CustomStringConvertible {
        let description: String
    }

    private static func check(_ path: String) throws -> [String] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let file = try YAMLDecoder().decode(File.self, from: text)
        let directory = (path as NSString).deletingLastPathComponent
        let patterns = (file.ruleFiles ?? []).map { $0.hasPrefix("/") || directory.isEmpty ? $0 : directory + "/" + $0 }
        let evaluation = try duration(file.evaluationInterval ?? "1m")
        var failures: [String] = []
        for group in file.tests ?? [] {
            failures += try run(group, patterns: patterns, evaluation: evaluation, order: file.groupEvalOrder)
        }
        return failures
    }

    private static func duration(_ text: String) throws -> Int64 {
        guard let value = PromDuration(text) else { throw Problem(description: "not a valid duration string: \"\(text)\"") }
        return value.milliseconds
    }

    private static func run(_ test: TestGroup, patterns: [String], evaluation: Int64, order: [String]?) throws -> [String] {
        let interval = try duration(test.interval ?? "1m")
        let store = MemoryRuleStore(evaluationInterval: evaluation)
        for input in test.inputSeries ?? [] {
            let series = try SeriesDescription.parse(input.series + " " + input.values)
            let samples = series.values.enumerated().compactMap { index, value in
                value.map { Sample(time: Int64(index) * interval, value: $0) }
            }
            store.add(series.labels, samples, interval: interval)
        }
        var groups = try RulesManager.loadGroups(
            patterns: patterns, defaultInterval: evaluation, externalLabels: test.externalLabels ?? [:],
            externalURL: test.externalURL ?? "")
        if let order {
            groups = order.compactMap { name in groups.first { $0.name == name } }
        }
        let alertTests = try (test.alertRuleTest ?? []).map { (try duration($0.evalTime), $0) }
        let exprTests = try (test.promqlExprTest ?? []).map { (try duration($0.evalTime), $0) }
        let end = (alertTests.map(\.0) + exprTests.map(\.0)).max() ?? 0
        let engine = Engine()
        var failures: [String] = []
        var time: Int64 = 0
        while time <= end {
            for group in groups { group.evaluate(at: time, engine: engine, history: store) }
            for (at, alertTest) in alertTests where at >= time && at < time + evaluation {
                if let failure = compare(alertTest, at: at, groups: groups, groupName: test.name) { failures.append(failure) }
            }
            time += evaluation
        }
        for (at, exprTest) in exprTests {
            // promtool 2.42 names the test group in alert failures only.
            if let failure = try compare(exprTest, at: at, engine: engine, store: store) { failures.append(failure) }
        }
        return failures
    }

    private static func describe(_ labels: Labels, _ annotations: [String: String]) -> String {
        let text = annotations.sorted { $0.key < $1.key }.map { "\($0.key)=\(GoQuote.quote($0.value))" }.joined(separator: ", ")
        return "Labels:\(labels)\n              Annotations:{\(text)}"
    }

    /// A list of alerts as promtool prints one: `[]` when empty, else numbered entries
    /// separated by commas, sorted by labels.
    private static func list(_ alerts: [(labels: Labels, annotations: [String: String])]) -> String {
        guard !alerts.isEmpty else { return "[]" }
        let entries = alerts.sorted { $0.labels < $1.labels }.enumerated().map {
            "            \($0.offset):\n              \(describe($0.element.labels, $0.element.annotations))"
        }
        return "[\n" + entries.joined(separator: ",\n") + "\n            ]"
    }

    private static func compare(_ test: AlertTest, at time: Int64, groups: [RuleGroup], groupName: String?) -> String? {
        var got: [(labels: Labels, annotations: [String: String])] = []
        for group in groups {
            for rule in group.state.withLock({ $0.rules }) {
                guard case .alerting(let alerting) = rule.rule, alerting.name == test.alertname else { continue }
                got += alerting.active.values.filter { $0.state == .firing }.map { ($0.labels, $0.annotations) }
            }
        }
        let expected = (test.expAlerts ?? []).map { alert in
            (labels: Labels((alert.expLabels ?? [:]).map { ($0.key, $0.value) } + [("alertname", test.alertname)]),
             annotations: alert.expAnnotations ?? [:])
        }
        let gotText = list(got), expectedText = list(expected)
        guard gotText != expectedText else { return nil }
        let name = groupName.map { "    name: \($0),\n" } ?? ""
        return "\(name)    alertname: \(test.alertname), time: \(PromDuration(milliseconds: time)), \n        exp:\(expectedText), \n        got:\(gotText)"
    }

    private static func compare(_ test: ExprTest, at time: Int64, engine: Engine, store: MemoryRuleStore) throws -> String? {
        let expr: Expr
        do {
            expr = try Parser.parse(test.expr)
        } catch {
            return "    expr: \(GoQuote.quote(test.expr)), time: \(PromDuration(milliseconds: time)), err: \(error.formatted(in: test.expr))"
        }
        var got: [(Labels, Double)] = []
        do {
            switch try engine.instant(expr, at: time, source: store) {
            case .vector(_, let elements): got = elements.map { ($0.labels, $0.value) }
            case .scalar(_, let value): got = [(Labels([(String, String)]()), value)]
            default: break
            }
        } catch {
            return "    expr: \(GoQuote.quote(test.expr)), time: \(PromDuration(milliseconds: time)), err: \(error.message)"
        }
        var expected: [(Labels, Double)] = []
        for sample in test.expSamples ?? [] {
            // promtool reads these with ParseMetric, which takes `{}` for a sample without labels.
            let isEmpty = sample.labels.filter { !$0.isWhitespace }.isEmpty || sample.labels.filter { !$0.isWhitespace } == "{}"
            let labels = isEmpty ? Labels([(String, String)]()) : try SeriesDescription.parse(sample.labels).labels
            expected.append((labels, sample.value))
        }
        // promtool compares values exactly.
        func same(_ a: Double, _ b: Double) -> Bool { a == b || (a.isNaN && b.isNaN) }
        let gotSorted = got.sorted { $0.0 < $1.0 }, expectedSorted = expected.sorted { $0.0 < $1.0 }
        if gotSorted.count == expectedSorted.count,
            zip(gotSorted, expectedSorted).allSatisfy({ $0.0 == $1.0 && same($0.1, $1.1) })
        {
            return nil
        }
        // Go's FormatFloat(v, 'E', -1, 64).
        func number(_ value: Double) -> String {
            if value == 0 { return value.sign == .minus ? "-0E+00" : "0E+00" }
            return GoQuote.formatFloat(value, exponentForm: true).uppercased()
        }
        func list(_ items: [(Labels, Double)]) -> String {
            items.isEmpty ? "nil" : items.map { "\($0.0) \(number($0.1))" }.joined(separator: ", ")
        }
        return "    expr: \(GoQuote.quote(test.expr)), time: \(PromDuration(milliseconds: time)),\n        exp: \(list(expectedSorted))\n        got: \(list(gotSorted))"
    }
}
