import PromQL
import TestSupport
import Testing

@Suite("PromQL parser")
struct ParserTests {

    @Test(arguments: PromQLCases.canonical)
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
