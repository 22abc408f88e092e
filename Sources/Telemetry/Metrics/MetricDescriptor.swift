/// What identifies a metric family: its name, type, help, unit and label names.
///
/// A counter's `name` is stored without the `_total` suffix; the encoders add it to samples.
public struct MetricDescriptor: Sendable, Equatable {
    /// The family name (for counters, without `_total`).
    public let name: String
    /// How the family is exposed.
    public let type: MetricType
    /// Free text shown in `# HELP`.
    public let help: String
    /// The unit (for example `seconds`), or empty. The name ends with `_<unit>`.
    public let unit: String
    /// Label names in the order label values are given.
    public let labelNames: [String]

    /// Validates and builds a descriptor.
    ///
    /// - Throws: `MetricError` naming the field at fault.
    public init(
        name: String, type: MetricType, help: String, unit: String = "", labelNames: [String] = []
    ) throws(MetricError) {
        var name = name
        if type == .counter, name.hasSuffix("_total") {
            name.removeLast("_total".count)
        }
        guard MetricNameRules.isValidMetricName(name) else { throw .invalidMetricName(name) }
        if !unit.isEmpty {
            guard MetricNameRules.isValidLabelName(unit) else {
                throw .invalidUnit(metric: name, unit: unit, reason: "must match [a-zA-Z0-9_]+")
            }
            guard name.hasSuffix("_" + unit) else {
                throw .invalidUnit(metric: name, unit: unit, reason: "the metric name must end with _\(unit)")
            }
        }
        var seen = Set<String>()
        for label in labelNames {
            guard MetricNameRules.isValidLabelName(label) else {
                throw .invalidLabelName(metric: name, label: label, reason: "must match [a-zA-Z_][a-zA-Z0-9_]*")
            }
            guard !label.hasPrefix("__") else {
                throw .invalidLabelName(metric: name, label: label, reason: "names starting with __ are reserved")
            }
            if type == .histogram, label == "le" {
                throw .invalidLabelName(metric: name, label: label, reason: "le is reserved for histogram buckets")
            }
            guard seen.insert(label).inserted else {
                throw .invalidLabelName(metric: name, label: label, reason: "duplicate label name")
            }
        }
        self.name = name
        self.type = type
        self.help = help
        self.unit = unit
        self.labelNames = labelNames
    }

    /// The sample names this family writes; two families may not share one.
    var sampleNames: [String] { Self.sampleNames(name: name, type: type) }

    /// The sample names a family of `type` called `name` writes.
    static func sampleNames(name: String, type: MetricType) -> [String] {
        switch type {
        case .counter: return [name + "_total", name + "_created", name]
        case .gauge: return [name]
        case .histogram: return [name, name + "_bucket", name + "_sum", name + "_count", name + "_created"]
        case .summary: return [name, name + "_sum", name + "_count", name + "_created"]
        case .info: return [name + "_info"]
        }
    }
}
