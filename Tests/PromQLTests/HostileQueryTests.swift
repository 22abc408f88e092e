import PromQL
import Testing

/// Queries found by fuzzing the parser and engine (`Fuzz/`, `make fuzz`) that did harm before
/// their fix. Each must now end in an error or a value, quickly and in bounded memory.
@Suite("PromQL hostile queries")
struct HostileQueryTests {
    private let source = InMemorySeriesSource([
        Series(labels: Labels(["__name__": "up", "job": "a"]), samples: (0...20).map { Sample(time: Int64($0) * 30_000, value: 1) })
    ])

    /// A subquery's range is the query's to choose: `[10000y:1s]` is 3 × 10^11 steps. Its
    /// points used to be reserved up front (5 TB: the allocation failed and the server
    /// aborted); now they count against the sample limit as they are produced.
    @Test func aHugeSubqueryHitsTheSampleLimit() throws {
        let engine = Engine(maxSamples: 100_000)
        let expr = try Parser.parse("count_over_time(vector(1)[10000y:1s])")
        let started = ContinuousClock.now
        #expect {
            try engine.instant(expr, at: 600_000, source: source)
        } throws: { error in
            guard let error = error as? EvaluationError else { return false }
            return error.kind == .execution && error.message.contains("too many samples")
        }
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    /// Steps that produce nothing hold no memory, and the timeout ends them (the fuzzer's
    /// input: 1.5 × 10^8 steps, 5 GB reserved before the fix).
    @Test func aHugeSubqueryOverFewSamplesEndsAtTheTimeout() throws {
        let engine = Engine(maxSamples: 100_000, timeout: .seconds(1))
        let expr = try Parser.parse("max_over_time(up[571y:2m] offset 9m)")
        let started = ContinuousClock.now
        #expect(throws: EvaluationError(.timeout, "query timed out in expression evaluation")) {
            try engine.instant(expr, at: 600_000, source: source)
        }
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    /// Under the limit, a long subquery still answers, with every point it has.
    @Test func aLongSubqueryUnderTheLimitAnswers() throws {
        let engine = Engine(maxSamples: 100_000)
        let value = try engine.instant(try Parser.parse("count_over_time(vector(1)[1d:1s])"), at: 86_400_000, source: source)
        guard case .vector(_, let elements) = value else {
            Issue.record("expected a vector, got \(value)")
            return
        }
        #expect(elements.map(\.value) == [86_401])
    }

    /// 100,000 nested parentheses overflowed the stack while parsing (the process ended), and
    /// a long chain of binary operators built a tree that evaluation and printing would
    /// overflow on. Both are now parse errors past `Parser.maxDepth` levels.
    @Test(arguments: [
        String(repeating: "(", count: 100_000) + "1" + String(repeating: ")", count: 100_000),
        Array(repeating: "1", count: 5_000).joined(separator: " + "),
        String(repeating: "-(", count: 2_000) + "up" + String(repeating: ")", count: 2_000),
        String(repeating: "abs(", count: 2_000) + "up" + String(repeating: ")", count: 2_000),
    ])
    func deepExpressionsAreParseErrors(query: String) {
        #expect {
            try Parser.parse(query)
        } throws: { error in
            (error as? ParseError)?.message == "expression nested too deeply (more than 1000 levels)"
        }
    }

    /// Just under the limit still parses and evaluates.
    @Test func expressionsUnderTheDepthLimitEvaluate() throws {
        let depth = Parser.maxDepth - 2
        let nested = String(repeating: "(", count: depth) + "2" + String(repeating: ")", count: depth)
        let chain = Array(repeating: "1", count: Parser.maxDepth).joined(separator: " + ")
        #expect(try Engine().instant(try Parser.parse(nested), at: 0, source: source) == .scalar(time: 0, value: 2))
        #expect(try Engine().instant(try Parser.parse(chain), at: 0, source: source) == .scalar(time: 0, value: 1000))
    }
}
