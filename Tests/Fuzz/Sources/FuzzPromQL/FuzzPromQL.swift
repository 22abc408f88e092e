// libFuzzer harness: the PromQL lexer, parser and engine. Every expression that parses is
// evaluated, as an instant and as a range query, over a few series in memory, with a small
// sample limit and a short timeout: it must end in a value or an error, in bounded memory.
// Printing is checked too: the canonical form must parse again and evaluate to the same
// outcome. (Equal text is not required: like Prometheus 2.42's printer, ours writes a unary
// `+` over a binary expression whose left side is `+Inf` as `++Inf`, which parses as two
// unary operators: same value, longer text.)
import FuzzDriver
import PromQL

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPromQL(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let expr = try? Parser.parse(text) else { return 0 }
    let printed = expr.description
    guard let again = try? Parser.parse(printed) else {
        fatalError("canonical form does not parse: \(text) -> \(printed)")
    }
    let engine = Engine(maxSamples: 100_000, timeout: .milliseconds(500))
    let source = InMemorySeriesSource(fixture)
    let instant = outcome { () throws(EvaluationError) in try engine.instant(expr, at: 600_000, source: source) }
    let instantAgain = outcome { () throws(EvaluationError) in try engine.instant(again, at: 600_000, source: source) }
    let range = outcome { () throws(EvaluationError) in try engine.range(expr, start: 0, end: 600_000, step: 60_000, source: source) }
    let rangeAgain = outcome { () throws(EvaluationError) in try engine.range(again, start: 0, end: 600_000, step: 60_000, source: source) }
    // A timeout depends on the machine's speed at that moment, not on the expression.
    guard ![instant, instantAgain, range, rangeAgain].contains(where: { $0.hasPrefix("timeout") }) else { return 0 }
    if instant != instantAgain || range != rangeAgain {
        fatalError("canonical form evaluates differently: \(text) -> \(printed)")
    }
    return 0
}

/// A counter and a gauge for two jobs, and a histogram, sampled every 30 s for 10 minutes.
private let fixture: [Series] = {
    var all: [Series] = []
    for job in ["a", "b"] {
        let step = job == "a" ? 1.0 : 3.0
        all.append(series(["__name__": "http_requests_total", "job": job]) { Double($0) * step })
        all.append(series(["__name__": "up", "job": job]) { $0 % 7 == 0 ? 0 : 1 })
        for (bound, share) in [("0.1", 0.5), ("1", 0.9), ("+Inf", 1.0)] {
            all.append(series(["__name__": "latency_seconds_bucket", "job": job, "le": bound]) { Double($0) * 10 * share })
        }
    }
    return all
}()

private func series(_ labels: [String: String], value: (Int) -> Double) -> Series {
    Series(labels: Labels(labels), samples: (0...20).map { Sample(time: Int64($0) * 30_000, value: value($0)) })
}

/// The result or error as text, so that two outcomes compare (NaN included).
private func outcome(_ evaluate: () throws(EvaluationError) -> some Any) -> String {
    do {
        return "\(try evaluate())"
    } catch {
        return "\(error.kind): \(error.message)"
    }
}

@_cdecl("FuzzPromQL_main")
public func fuzzPromQLMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runLibFuzzer(argc, argv) { fuzzPromQL($0, $1) }
}
