import PromQL

/// A recording rule: the expression's result stored under a new metric name, with the rule's
/// labels, as Prometheus evaluates it.
public struct RecordingRule: Sendable {
    public let name: String
    public let expr: Expr
    public let labels: [String: String]

    public init(_ definition: RuleDefinition, groupLabels: [String: String] = [:]) {
        name = definition.name
        expr = definition.expr
        labels = groupLabels.merging(definition.labels) { _, rule in rule }
    }

    /// The samples to record at `time`; `limit` > 0 caps the series.
    public func evaluate(at time: Int64, engine: Engine, source: some SeriesSource, limit: Int = 0)
        throws(RuleError) -> [(labels: Labels, value: Double)]
    {
        let vector = try RuleError.vector(of: expr, at: time, engine: engine, source: source)
        var seen = Set<Labels>()
        var samples: [(labels: Labels, value: Double)] = []
        for element in vector {
            var result = element.labels.setting(Labels.metricName, name)
            for (label, value) in labels { result = result.setting(label, value) }
            guard seen.insert(result).inserted else {
                throw RuleError(message: "vector contains metrics with the same labelset after applying rule labels")
            }
            samples.append((result, element.value))
        }
        if limit > 0, samples.count > limit {
            throw RuleError(message: "exceeded limit \(limit) with \(samples.count) series")
        }
        return samples
    }
}
