import PromQL
import Testing

@Suite("PromQL parser")
struct ParserTests {
    /// Expressions and the canonical form Prometheus 2.42 prints for each (`format_query`).
    static let canonical: [(String, String)] = [
        ("1", "1"), ("+Inf", "+Inf"), ("-Inf", "-Inf"), ("NaN", "NaN"), ("0x1F", "31"), ("1e3", "1000"),
        (".5", "0.5"), ("5.", "5"), ("1e-7", "0.0000001"), ("-1", "-1"), ("- 1", "-1"), ("+1", "1"),
        ("\"a\\nb\"", "\"a\\nb\""), ("'single'", "\"single\""), ("`raw\\n`", "\"raw\\\\n\""),
        ("foo", "foo"), ("foo:bar:baz", "foo:bar:baz"), ("{__name__=\"foo\"}", "{__name__=\"foo\"}"),
        ("foo{b=\"2\", a=\"1\"}", "foo{a=\"1\",b=\"2\"}"), ("foo{a=~\"x.*\",b!=\"y\",c!~\"z\"}", "foo{a=~\"x.*\",b!=\"y\",c!~\"z\"}"),
        ("{__name__=~\"foo.+\"}", "{__name__=~\"foo.+\"}"), ("foo{on=\"x\",by=\"y\"}", "foo{by=\"y\",on=\"x\"}"),
        ("foo[5m]", "foo[5m]"), ("foo[1h30m]", "foo[1h30m]"), ("foo[90m]", "foo[1h30m]"), ("foo[14d]", "foo[2w]"),
        ("foo[500ms]", "foo[500ms]"), ("foo offset 5m", "foo offset 5m"), ("foo offset -5m", "foo offset -5m"),
        ("foo[5m] offset 1h", "foo[5m] offset 1h"), ("foo @ 1609746000", "foo @ 1609746000.000"),
        ("foo @ start()", "foo @ start()"), ("foo @ end() offset 1m", "foo @ end() offset 1m"),
        ("foo offset 1m @ 100.5", "foo @ 100.500 offset 1m"), ("foo[5m] @ -10", "foo[5m] @ -10.000"),
        ("foo[5m:]", "foo[5m:]"), ("foo[5m:30s]", "foo[5m:30s]"), ("rate(foo[5m])[30m:1m] offset 1m", "rate(foo[5m])[30m:1m] offset 1m"),
        ("(a + b)[10m:]", "(a + b)[10m:]"), ("min_over_time(rate(foo[1m])[5m:])[4m:3s]", "min_over_time(rate(foo[1m])[5m:])[4m:3s]"),
        ("a + b", "a + b"), ("a+b*c", "a + b * c"), ("(a+b)*c", "(a + b) * c"), ("a - b - c", "a - b - c"),
        ("2 ^ 3 ^ 2", "2 ^ 3 ^ 2"), ("-2 ^ 2", "-2 ^ 2"), ("-a ^ 2", "-a ^ 2"), ("-a * b", "-a * b"),
        ("a == bool b", "a == bool b"), ("1 < bool 2", "1 < bool 2"), ("a and b or c unless d", "a and b or c unless d"),
        ("a + on(x, y) b", "a + on (x, y) b"), ("a + ignoring(x) b", "a + ignoring (x) b"), ("a + on() b", "a + on () b"),
        ("a + ignoring() b", "a + b"), ("a * on(x) group_left(y) b", "a * on (x) group_left (y) b"),
        ("a * ignoring(x) group_right b", "a * ignoring (x) group_right () b"), ("a atan2 b", "a atan2 b"),
        ("a % 2", "a % 2"), ("a / 2", "a / 2"), ("a != 2", "a != 2"), ("a >= 2", "a >= 2"), ("a <= 2", "a <= 2"),
        ("sum(foo)", "sum(foo)"), ("sum by (job) (foo)", "sum by (job) (foo)"), ("sum(foo) by (job, le)", "sum by (job, le) (foo)"),
        ("SUM(foo) BY (job)", "sum by (job) (foo)"), ("sum without (job) (foo)", "sum without (job) (foo)"),
        ("sum without () (foo)", "sum without () (foo)"), ("sum by () (foo)", "sum(foo)"),
        ("topk(5, foo)", "topk(5, foo)"), ("bottomk by (a) (3, foo)", "bottomk by (a) (3, foo)"),
        ("quantile(0.9, foo)", "quantile(0.9, foo)"), ("count_values(\"v\", foo)", "count_values(\"v\", foo)"),
        ("sum without(and, by, avg, count, alert, annotations)(foo)", "sum without (and, by, avg, count, alert, annotations) (foo)"),
        ("group(foo)", "group(foo)"), ("stddev(foo)", "stddev(foo)"), ("stdvar(foo)", "stdvar(foo)"),
        ("rate(foo[5m])", "rate(foo[5m])"), ("histogram_quantile(0.99, sum by (le) (rate(h_bucket[5m])))", "histogram_quantile(0.99, sum by (le) (rate(h_bucket[5m])))"),
        ("label_replace(foo, \"a\", \"$1\", \"b\", \"(.*)\")", "label_replace(foo, \"a\", \"$1\", \"b\", \"(.*)\")"),
        ("label_join(foo, \"a\", \",\", \"b\", \"c\", \"d\")", "label_join(foo, \"a\", \",\", \"b\", \"c\", \"d\")"),
        ("time()", "time()"), ("hour()", "hour()"), ("round(foo)", "round(foo)"), ("round(foo, 5)", "round(foo, 5)"),
        ("vector(1)", "vector(1)"), ("scalar(foo) * 2", "scalar(foo) * 2"), ("-rate(foo[5m])", "-rate(foo[5m])"),
        ("foo # a comment\n + bar", "foo + bar"), ("abs(-foo)", "abs(-foo)"), ("foo{a=\"\\\"q\\\"\"}", "foo{a=\"\\\"q\\\"\"}"),
    ]

    @Test(arguments: canonical)
    func parsesAndPrintsCanonically(_ input: String, _ expected: String) throws {
        let expr = try Parser.parse(input)
        #expect(expr.description == expected)
        // The canonical form is a fixed point.
        #expect(try Parser.parse(expected).description == expected)
    }

    @Test func precedenceAndAssociativityShapeTheTree() throws {
        guard case .binary(let sum) = try Parser.parse("a + b * c") else { Issue.record("not binary"); return }
        #expect(sum.op == .add)
        guard case .binary(let pow) = try Parser.parse("2 ^ 3 ^ 2") else { Issue.record("not binary"); return }
        #expect(pow.lhs == .number(2), "^ groups to the right")
        guard case .binary(let minus) = try Parser.parse("a - b - c") else { Issue.record("not binary"); return }
        #expect(minus.rhs == .vector(VectorSelector(name: "c", matchers: [LabelMatcher(name: "__name__", kind: .equal, value: "c")])))
        guard case .unary(.minus, let operand) = try Parser.parse("-a ^ 2") else { Issue.record("not unary"); return }
        guard case .binary(let inner) = operand else { Issue.record("operand not binary"); return }
        #expect(inner.op == .pow, "unary minus binds looser than ^")
        guard case .binary(let or) = try Parser.parse("a and b or c") else { Issue.record("not binary"); return }
        #expect(or.op == .or)
        guard case .binary(let setOp) = try Parser.parse("a or b") else { Issue.record("not binary"); return }
        #expect(setOp.matching?.cardinality == .manyToMany)
        guard case .binary(let grouped) = try Parser.parse("a / on(x) group_left(y) b") else { Issue.record("not binary"); return }
        #expect(grouped.matching == VectorMatching(cardinality: .manyToOne, on: true, labels: ["x"], include: ["y"], explicit: true))
    }

    @Test func literalsAndModifiersHaveTheirValues() throws {
        #expect(try Parser.parse("0x10") == .number(16))
        #expect(try Parser.parse("1.5e3") == .number(1500))
        #expect(try Parser.parse("'\\u00e9\\x41\\101'") == .string("éAA"))
        guard case .vector(let selector) = try Parser.parse("foo offset -1h30m @ 12.5") else { Issue.record("not vector"); return }
        #expect(selector.offset == PromDuration(milliseconds: -5_400_000))
        #expect(selector.at == .timestamp(12_500))
        guard case .subquery(let subquery) = try Parser.parse("foo[1h:1m]") else { Issue.record("not subquery"); return }
        #expect(subquery.range.milliseconds == 3_600_000)
        #expect(subquery.step?.milliseconds == 60_000)
        #expect(try Parser.parse("rate(foo[5m])").type == .vector)
        #expect(try Parser.parse("foo[5m]").type == .matrix)
        #expect(try Parser.parse("scalar(foo)").type == .scalar)
    }
}
