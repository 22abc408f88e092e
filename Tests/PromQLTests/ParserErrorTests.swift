import PromQL
import TestSupport
import Testing

@Suite("PromQL parser errors")
struct ParserErrorTests {
    @Test(arguments: PromQLCases.invalid)
    func invalidExpressionsFailAsInPrometheus(_ input: String, _ expected: String) {
        do {
            let expr = try Parser.parse(input)
            Issue.record("parsed as \(expr)")
        } catch {
            #expect(error.formatted(in: input) == expected)
        }
    }
}
