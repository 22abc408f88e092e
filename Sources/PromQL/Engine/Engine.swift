/// Evaluates PromQL with Prometheus 2.x semantics over a `SeriesSource`.
///
/// A range query is the instant evaluation at every step from `start` to `end`, gathered into
/// series, which is what Prometheus's engine computes. Evaluation is a pure function of the
/// expression, the times and the source.
public struct Engine: Sendable {
    /// How far back an instant selector looks for a sample (Prometheus's default: 5 minutes).
    public var lookbackDelta: Int64
    /// A subquery's step when none is written (the global evaluation interval, 1 minute).
    public var defaultSubqueryStep: Int64
    /// Most samples one query may load; more is an error, as in Prometheus.
    public var maxSamples: Int
    /// How long one query may run (`--query.timeout`, 2 minutes by default).
    public var timeout: Duration

    /// Creates an engine with Prometheus's defaults.
    public init(
        lookbackDelta: Int64 = 300_000, defaultSubqueryStep: Int64 = 60_000, maxSamples: Int = 50_000_000,
        timeout: Duration = .seconds(120)
    ) {
        self.lookbackDelta = lookbackDelta
        self.defaultSubqueryStep = defaultSubqueryStep
        self.maxSamples = maxSamples
        self.timeout = timeout
    }

    /// Evaluates `expr` at `time` (milliseconds).
    public func instant(_ expr: Expr, at time: Int64, source: some SeriesSource) throws(EvaluationError) -> QueryValue {
        var evaluator = Evaluator(engine: self, source: source, start: time, end: time)
        switch try evaluator.evaluate(expr, at: time) {
        case .scalar(let value): return .scalar(time: time, value: value)
        case .string(let value): return .string(time: time, value: value)
        case .vector(let elements): return .vector(time: time, elements: elements)
        case .matrix(let series): return .matrix(series)
        }
    }

    /// Evaluates `expr` at every step from `start` through `end`; the result is a matrix.
    public func range(
        _ expr: Expr, start: Int64, end: Int64, step: Int64, source: some SeriesSource
    ) throws(EvaluationError) -> [Series] {
        guard expr.type == .scalar || expr.type == .vector else {
            throw EvaluationError(
                .badData, "invalid expression type \"\(expr.type.rawValue)\" for range query, must be Scalar or instant Vector")
        }
        var evaluator = Evaluator(engine: self, source: source, start: start, end: end)
        try evaluator.precomputeSeriesMajor(expr, from: start, through: end, step: step)
        // When the whole expression was computed series by series, its series are the result.
        var inner = expr
        while case .paren(let wrapped) = inner { inner = wrapped }
        if let whole = evaluator.stepped[inner.description] { return whole.matrix.sorted { $0.labels < $1.labels } }
        let result = try evaluator.evaluateSteps(expr, from: start, through: end, step: step)
        return result.sorted { $0.labels < $1.labels }
    }
}
