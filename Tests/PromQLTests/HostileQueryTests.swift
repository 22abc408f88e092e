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
}
