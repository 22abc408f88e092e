/// One query's evaluation: the query's time range (for `@ start()` and `@ end()`), the source,
/// and the series already loaded for each selector.
struct Evaluator<Source: SeriesSource> {
    /// A value during evaluation, at one time.
    enum Value {
        case scalar(Double)
        case string(String)
        case vector([VectorElement])
        case matrix([Series])
    }

    let engine: Engine
    let source: Source
    let start: Int64
    let end: Int64
    /// Loaded series per selector (by its printed form), and the window they cover.
    private var loaded: [String: (from: Int64, through: Int64, series: [Series])] = [:]
    private var samplesLoaded = 0
    /// Range functions computed for every step of the range query (`precomputeSeriesMajor`),
    /// by the call's printed form.
    var stepped: [String: SteppedCall] = [:]
    /// When the query must have finished.
    private let deadline: ContinuousClock.Instant

    init(engine: Engine, source: Source, start: Int64, end: Int64) {
        self.engine = engine
        self.source = source
        self.start = start
        self.end = end
        deadline = ContinuousClock.now.advanced(by: engine.timeout)
    }

    /// Throws when the query ran past its timeout or its task was cancelled.
    func checkDeadline() throws(EvaluationError) {
        if ContinuousClock.now >= deadline || Task.isCancelled {
            throw Task.isCancelled
                ? EvaluationError(.canceled, "query was canceled in expression evaluation")
                : EvaluationError(.timeout, "query timed out in expression evaluation")
        }
    }

    mutating func evaluate(_ expr: Expr, at time: Int64) throws(EvaluationError) -> Value {
        try checkDeadline()
        if !stepped.isEmpty, let vector = steppedVector(expr, at: time) { return .vector(vector) }
        switch expr {
        case .number(let value): return .scalar(value)
        case .string(let value): return .string(value)
        case .paren(let inner): return try evaluate(inner, at: time)
        case .vector(let selector): return .vector(try instantVector(selector, at: time))
        case .matrix(let selector, let range): return .matrix(try rangeVector(selector, range: range.milliseconds, at: time))
        case .subquery(let subquery): return .matrix(try evaluateSubquery(subquery, at: time))
        case .unary(let op, let operand):
            switch try evaluate(operand, at: time) {
            case .scalar(let value): return .scalar(op == .minus ? -value : value)
            case .vector(let elements):
                guard op == .minus else { return .vector(elements) }
                return .vector(elements.map { VectorElement(labels: $0.labels.droppingMetricName, value: -$0.value) })
            default: throw EvaluationError(.execution, "unary expression on unsupported type")
            }
        case .binary(let binary): return try evaluateBinary(binary, at: time)
        case .aggregation(let aggregation): return .vector(try evaluateAggregation(aggregation, at: time))
        case .call(let function, let arguments): return try evaluateCall(function, arguments, at: time)
        }
    }

    /// The precomputed value of a call or aggregation at `time`, when there is one.
    private func steppedVector(_ expr: Expr, at time: Int64) -> [VectorElement]? {
        switch expr {
        case .call, .aggregation: return stepped[expr.description]?.vector(at: time)
        default: return nil
        }
    }

    /// The time a selector or subquery reads at: `@` if given, then `offset` back.
    func referenceTime(_ at: AtModifier?, offset: PromDuration, at time: Int64) -> Int64 {
        let base: Int64
        switch at {
        case .timestamp(let fixed): base = fixed
        case .start: base = start
        case .end: base = end
        case nil: base = time
        }
        return base - offset.milliseconds
    }

    /// Series of `selector` with samples from `from` through `through`, loading more when the
    /// window grows.
    mutating func series(_ selector: VectorSelector, from: Int64, through: Int64) throws(EvaluationError) -> [Series] {
        let key = selector.matchers.map { "\($0.name)\($0.kind.rawValue)\(GoQuote.quote($0.value))" }.joined(separator: ",")
        if let cached = loaded[key], cached.from <= from, cached.through >= through { return cached.series }
        // Load generously around the query so later steps reuse it.
        let windowFrom = min(from, start - selectorReach(selector)), windowThrough = max(through, end)
        let series: [Series]
        do {
            // In label order, as Prometheus selects them: ties (topk, bottomk) keep the first.
            let selected = try source.select(selector.matchers, start: windowFrom, end: windowThrough)
            series = source.selectsInEvaluationOrder ? selected : selected.sorted { $0.labels < $1.labels }
        } catch {
            throw EvaluationError(.execution, "selecting \(key): \(error)")
        }
        samplesLoaded += series.reduce(0) { $0 + $1.samples.count }
        if samplesLoaded > engine.maxSamples {
            throw Self.tooManySamples
        }
        loaded[key] = (windowFrom, windowThrough, series)
        return series
    }

    /// Prometheus's error for a query past `maxSamples`.
    static var tooManySamples: EvaluationError {
        EvaluationError(.execution, "query processing would load too many samples into memory in query execution")
    }

    /// Most points reserved ahead for one series of a stepped result.
    static var maxReservedPoints: Int { 5_000 }

    private func selectorReach(_ selector: VectorSelector) -> Int64 {
        engine.lookbackDelta + max(0, selector.offset.milliseconds)
    }

    /// The latest sample at or before the reference time, within the lookback window; stale
    /// series are absent.
    mutating func instantVector(_ selector: VectorSelector, at time: Int64) throws(EvaluationError) -> [VectorElement] {
        let reference = referenceTime(selector.at, offset: selector.offset, at: time)
        let series = try series(selector, from: reference - engine.lookbackDelta, through: reference)
        var result: [VectorElement] = []
        for one in series {
            let index = Self.lastIndex(in: one.samples, atOrBefore: reference)
            guard index >= 0 else { continue }
            let sample = one.samples[index]
            guard sample.time >= reference - engine.lookbackDelta, !Sample.isStaleMarker(sample.value) else { continue }
            result.append(VectorElement(labels: one.labels, value: sample.value))
        }
        return result
    }

    /// Samples from `range` before the reference time through it (both ends included, as in
    /// Prometheus 2.x), without staleness markers.
    mutating func rangeVector(_ selector: VectorSelector, range: Int64, at time: Int64) throws(EvaluationError) -> [Series] {
        let reference = referenceTime(selector.at, offset: selector.offset, at: time)
        let series = try series(selector, from: reference - range, through: reference)
        var result: [Series] = []
        result.reserveCapacity(series.count)
        for one in series {
            let last = Self.lastIndex(in: one.samples, atOrBefore: reference)
            // The first sample at or after the window's start: one before the last sample
            // before it.
            let first = Self.lastIndex(in: one.samples, atOrBefore: reference - range - 1) + 1
            guard last >= first else { continue }
            let window = one.samples[first...last]
            if window.contains(where: { Sample.isStaleMarker($0.value) }) {
                let samples = window.filter { !Sample.isStaleMarker($0.value) }
                if !samples.isEmpty { result.append(Series(labels: one.labels, samples: samples)) }
            } else {
                result.append(Series(labels: one.labels, samples: Array(window)))
            }
        }
        return result
    }

    /// The inner expression at steps aligned to the step, from `range` before the reference
    /// time through it.
    private mutating func evaluateSubquery(_ subquery: Subquery, at time: Int64) throws(EvaluationError) -> [Series] {
        let step = subquery.step?.milliseconds ?? engine.defaultSubqueryStep
        let reference = referenceTime(subquery.at, offset: subquery.offset, at: time)
        let from = reference - subquery.range.milliseconds
        var stepTime = from >= 0 ? from / step * step : -((-from + step - 1) / step) * step
        if stepTime < from { stepTime += step }
        return try evaluateSteps(subquery.expr, from: stepTime, through: reference, step: step)
    }

    /// `expr` evaluated at every step from `from` through `through`, gathered into series (in
    /// the order they first appear): a range query's result, and a subquery's.
    mutating func evaluateSteps(_ expr: Expr, from: Int64, through: Int64, step: Int64) throws(EvaluationError) -> [Series] {
        var byLabels: [Labels: Int] = [:]
        var result: [Series] = []
        // Points held for the result count against the sample limit, as in Prometheus: a
        // subquery's range is the query's to choose (`[10000y:1s]` is 3 × 10^11 steps).
        var points = 0
        var time = from
        while time <= through {
            let elements: [VectorElement]
            switch try evaluate(expr, at: time) {
            case .vector(let vector): elements = vector
            case .scalar(let value): elements = [VectorElement(labels: Labels([(String, String)]()), value: value)]
            default: elements = []
            }
            points += elements.count
            if points > engine.maxSamples { throw Self.tooManySamples }
            for element in elements {
                if let index = byLabels[element.labels] {
                    result[index].samples.append(Sample(time: time, value: element.value))
                } else {
                    byLabels[element.labels] = result.count
                    var samples: [Sample] = []
                    // Room for every step, up to a bound: memory follows the points that exist.
                    samples.reserveCapacity(min(Int((through - time) / step) + 1, Self.maxReservedPoints))
                    samples.append(Sample(time: time, value: element.value))
                    result.append(Series(labels: element.labels, samples: samples))
                }
            }
            time += step
        }
        return result
    }

    /// Index of the last sample with time ≤ `time`, or -1.
    static func lastIndex(in samples: [Sample], atOrBefore time: Int64) -> Int {
        var low = 0, high = samples.count
        while low < high {
            let middle = (low + high) / 2
            if samples[middle].time <= time { low = middle + 1 } else { high = middle }
        }
        return low - 1
    }
}
