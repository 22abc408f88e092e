/// Where evaluation reads series from: the history store in telemetryd, an in-memory list in
/// tests. Evaluation is a pure function of (expression, time, source).
public protocol SeriesSource: Sendable {
    /// Every series matching all `matchers`, with its samples from `start` through `end`
    /// (milliseconds, both included), in time order.
    func select(_ matchers: [LabelMatcher], start: Int64, end: Int64) throws -> [Series]

    /// Whether `select` returns series in the order evaluation must visit them. Prometheus
    /// visits a compacted block's series in label order and its in-memory head's in creation
    /// order; the order decides which of equal values `topk` keeps and the last bits of a
    /// `sum`. When false, the engine sorts by labels.
    var selectsInEvaluationOrder: Bool { get }
}

extension SeriesSource {
    public var selectsInEvaluationOrder: Bool { false }
}

/// A fixed list of series held in memory.
public struct InMemorySeriesSource: SeriesSource {
    public var series: [Series]

    public init(_ series: [Series]) {
        self.series = series
    }

    public func select(_ matchers: [LabelMatcher], start: Int64, end: Int64) throws -> [Series] {
        let compiled = try matchers.map(CompiledMatcher.init)
        return series.compactMap { series in
            guard compiled.allSatisfy({ $0.matches(series.labels[$0.name]) }) else { return nil }
            let samples = series.samples.filter { $0.time >= start && $0.time <= end }
            return Series(labels: series.labels, samples: samples)
        }
    }
}

/// A label matcher ready to test values (its regular expression compiled once, anchored).
public struct CompiledMatcher: @unchecked Sendable {
    public let name: String
    private let kind: LabelMatcher.Kind
    private let value: String
    private let regex: Regex<AnyRegexOutput>?
    /// The same pattern, matched in linear time (`LinearRegex`); nil only for syntax it does
    /// not implement, which `regex` matches instead.
    private let linear: LinearRegex?

    /// Compiles `matcher`.
    public init(_ matcher: LabelMatcher) throws {
        name = matcher.name
        kind = matcher.kind
        value = matcher.value
        let isRegex = kind == .regexMatch || kind == .regexNoMatch
        regex = isRegex ? try Regex("^(?:\(matcher.value))$") : nil
        linear = isRegex ? try? LinearRegex(matcher.value) : nil
    }

    /// The one value an equality matcher accepts; nil for other kinds.
    public var exactValue: String? { kind == .equal ? value : nil }

    /// Whether a label value (empty when the label is absent) matches.
    public func matches(_ candidate: String) -> Bool {
        switch kind {
        case .equal: return candidate == value
        case .notEqual: return candidate != value
        case .regexMatch: return regexMatches(candidate)
        case .regexNoMatch: return !regexMatches(candidate)
        }
    }

    private func regexMatches(_ candidate: String) -> Bool {
        if let linear { return linear.wholeMatch(candidate) }
        return (try? regex?.wholeMatch(in: candidate)) != nil
    }
}
