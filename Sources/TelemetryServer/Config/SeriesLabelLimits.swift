/// Bounds on the labels of one series a client sends (`limits:` in the configuration file),
/// with the names and defaults of Grafana Mimir's limits: they apply to series received over
/// Prometheus remote write and to OTLP metric data points.
///
/// The server bounds how many series it holds (`history.max_series`, `otlp.max_metric_series`),
/// but a series' labels were unbounded: 200 remote-write series with a 1 MB label value each
/// grew the process by 460 MB, and 100 OTLP gauge points with sixteen 60 KB attributes each
/// by 233 MB (and `/metrics` to 96 MB); at the series limits that is tens of gigabytes. Within
/// these bounds a series' labels take at most about 92 KB.
public struct SeriesLabelLimits: Sendable, Equatable {
    /// Most labels on one series, `__name__` included (`max_label_names_per_series`).
    public var maxNames = 30
    /// Longest label name, in UTF-8 bytes (`max_label_name_length`).
    public var maxNameBytes = 1024
    /// Longest label value, the metric name included, in UTF-8 bytes (`max_label_value_length`).
    public var maxValueBytes = 2048

    /// Mimir's defaults: 30 labels, names of 1024 bytes, values of 2048.
    public init() {}

    /// The given bounds.
    public init(maxNames: Int, maxNameBytes: Int, maxValueBytes: Int) {
        self.maxNames = maxNames
        self.maxNameBytes = maxNameBytes
        self.maxValueBytes = maxValueBytes
    }

    /// No bound (tests that need a series beyond them).
    static let unlimited = SeriesLabelLimits(maxNames: .max, maxNameBytes: .max, maxValueBytes: .max)

    /// Why a series of `count` labels is refused, or nil.
    func countProblem(_ count: Int) -> String? {
        count > maxNames ? "\(count) labels, more than the limit of \(maxNames) (limits.max_label_names_per_series)" : nil
    }

    /// Why a label name of `bytes` UTF-8 bytes is refused, or nil.
    func nameProblem(bytes: Int) -> String? {
        bytes > maxNameBytes
            ? "a label name of \(bytes) bytes, longer than the limit of \(maxNameBytes) (limits.max_label_name_length)" : nil
    }

    /// Why a value of `bytes` UTF-8 bytes for label `name` (nil when not yet known) is refused, or nil.
    func valueProblem(bytes: Int, name: String?) -> String? {
        guard bytes > maxValueBytes else { return nil }
        let label = name.map { "the value of label \"\($0)\"" } ?? "a label value"
        return "\(label) of \(bytes) bytes, longer than the limit of \(maxValueBytes) (limits.max_label_value_length)"
    }

    /// Why the series `name{labels}` is refused, or nil: the first limit it passes.
    func problem(name: String, labels: some Collection<(name: String, value: String)>) -> String? {
        if let problem = countProblem(labels.count + 1) { return problem }
        if let problem = valueProblem(bytes: name.utf8.count, name: "__name__") { return problem }
        for label in labels {
            if let problem = nameProblem(bytes: label.name.utf8.count) ?? valueProblem(bytes: label.value.utf8.count, name: label.name) {
                return problem
            }
        }
        return nil
    }

    /// Reads a `limits:` mapping; absent fields keep their defaults.
    static func read(_ mapping: inout YAMLMappingReader) throws(ConfigError) -> SeriesLabelLimits {
        var limits = SeriesLabelLimits()
        if let limit = try mapping.integer("max_label_names_per_series", minimum: 1) { limits.maxNames = limit }
        if let limit = try mapping.integer("max_label_name_length", minimum: 1) { limits.maxNameBytes = limit }
        if let limit = try mapping.integer("max_label_value_length", minimum: 1) { limits.maxValueBytes = limit }
        try mapping.rejectUnknownFields()
        return limits
    }
}
