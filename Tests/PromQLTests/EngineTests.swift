import PromQL
import Testing

@Suite("PromQL engine")
struct EngineTests {
    private func series(_ name: String, _ labels: [String: String], _ samples: [(Int64, Double)]) -> Series {
        var all = labels
        all["__name__"] = name
        return Series(labels: Labels(all), samples: samples.map { Sample(time: $0.0 * 1000, value: $0.1) })
    }

    private func vector(_ value: QueryValue) -> [Double] {
        guard case .vector(_, let elements) = value else { return [] }
        return elements.map(\.value)
    }

    @Test func aStalenessMarkerEndsASeriesBeforeTheLookbackDoes() throws {
        let source = InMemorySeriesSource([series("up", ["job": "a"], [(0, 1), (15, 1), (30, Sample.staleMarker)])])
        let engine = Engine()
        let expr = try Parser.parse("up")
        #expect(vector(try engine.instant(expr, at: 20_000, source: source)) == [1])
        #expect(vector(try engine.instant(expr, at: 31_000, source: source)) == [], "stale at 30 s")
        let unmarked = InMemorySeriesSource([series("up", ["job": "a"], [(0, 1), (15, 1)])])
        #expect(vector(try engine.instant(expr, at: 315_000, source: unmarked)) == [1], "5 minutes of lookback include 15 s")
        #expect(vector(try engine.instant(expr, at: 315_001, source: unmarked)) == [])
        // A range vector leaves the marker out.
        let count = try Parser.parse("count_over_time(up[1m])")
        #expect(vector(try engine.instant(count, at: 40_000, source: source)) == [2])
    }

    @Test func rateExtrapolatesAndHandlesResets() throws {
        // 10 per 15 s, reset at 60 s: increase over [0, 120] is 80 in 8 intervals.
        let points: [(Int64, Double)] = [(0, 0), (15, 10), (30, 20), (45, 30), (60, 0), (75, 10), (90, 20), (105, 30), (120, 40)]
        let source = InMemorySeriesSource([series("c", [:], points)])
        let engine = Engine()
        let increase = vector(try engine.instant(try Parser.parse("increase(c[2m])"), at: 120_000, source: source))
        #expect(increase == [70], "30 before the reset (the counter restarts from 0), 40 after")
        let rate = vector(try engine.instant(try Parser.parse("rate(c[2m])"), at: 120_000, source: source))
        #expect(rate == [70.0 / 120])
        // The window [15 s, 135 s] ends 15 s after the last sample, within 1.1 intervals:
        // the 60 seen over 105 s are extrapolated to the window's 120 s.
        let late = vector(try engine.instant(try Parser.parse("increase(c[2m])"), at: 135_000, source: source))
        #expect(abs((late.first ?? 0) - 60.0 * 120 / 105) < 1e-9)
    }

    @Test func loadingTooManySamplesIsAnError() throws {
        let source = InMemorySeriesSource([series("g", [:], (0..<100).map { (Int64($0), Double($0)) })])
        let engine = Engine(maxSamples: 50)
        let expr = try Parser.parse("sum_over_time(g[5m])")
        #expect(throws: EvaluationError.self) { try engine.instant(expr, at: 100_000, source: source) }
    }

    @Test func rangeQueriesOnlyTakeScalarsAndVectors() throws {
        let source = InMemorySeriesSource([series("g", [:], [(0, 1)])])
        let matrix = try Parser.parse("g[5m]")
        do {
            _ = try Engine().range(matrix, start: 0, end: 60_000, step: 15_000, source: source)
            Issue.record("a range vector was accepted")
        } catch {
            #expect(error.kind == .badData)
            #expect(error.message == "invalid expression type \"range vector\" for range query, must be Scalar or instant Vector")
        }
        let series = try Engine().range(try Parser.parse("g * 2"), start: 0, end: 60_000, step: 15_000, source: source)
        #expect(series.count == 1)
        #expect(series.first?.samples.map(\.value) == [2, 2, 2, 2, 2])
        #expect(series.first?.labels == Labels([(String, String)]()), "arithmetic drops the name")
    }

    @Test func matchingErrorsNameTheProblem() throws {
        let source = InMemorySeriesSource([
            series("a", ["x": "1", "y": "1"], [(0, 1)]), series("a", ["x": "1", "y": "2"], [(0, 1)]),
            series("b", ["x": "1"], [(0, 1)]),
        ])
        let duplicate = try Parser.parse("b + on (x) a")
        do {
            _ = try Engine().instant(duplicate, at: 0, source: source)
            Issue.record("duplicate right-hand side accepted")
        } catch {
            #expect(error.kind == .execution)
            #expect(error.message.hasPrefix("found duplicate series for the match group {x=\"1\"} on the right hand-side"))
        }
        let grouped = try Engine().instant(try Parser.parse("a * on (x) group_left b"), at: 0, source: source)
        #expect(vector(grouped) == [1, 1])
    }
}

@Suite("PromQL engine limits")
struct EngineLimitTests {
    @Test func aQueryPastItsTimeoutFailsWithTheTimeoutType() throws {
        let source = InMemorySeriesSource([Series(labels: Labels(["__name__": "g"]), samples: [Sample(time: 0, value: 1)])])
        let expr = try Parser.parse("sum(g)")
        do {
            _ = try Engine(timeout: .zero).range(expr, start: 0, end: 3_600_000, step: 1000, source: source)
            Issue.record("no timeout")
        } catch {
            #expect(error.kind == .timeout)
            #expect(error.message == "query timed out in expression evaluation")
        }
        #expect(try Engine(timeout: .seconds(60)).range(expr, start: 0, end: 60_000, step: 1000, source: source).count == 1)
    }
}
