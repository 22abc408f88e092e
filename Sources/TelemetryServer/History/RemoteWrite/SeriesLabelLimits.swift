/// Bounds on the label set of one series received over remote write, with the names and
/// defaults of Grafana Mimir's distributor (`max_label_names_per_series`,
/// `max_label_name_length`, `max_label_value_length`), set under `history:` in the
/// configuration file.
///
/// The metric history bounds how many series it holds (`history.max_series`), but a series'
/// labels were unbounded: 200 series with a 1 MB label value each grew the process by 460 MB,
/// and 20,000 (the series limit) would hold tens of gigabytes. Within these limits a series'
/// labels take at most about 92 KB.
struct SeriesLabelLimits: Sendable, Equatable {
    /// Most labels on one series, `__name__` included.
    var maxNames = 30
    /// Longest label name, in UTF-8 bytes.
    var maxNameBytes = 1024
    /// Longest label value, in UTF-8 bytes.
    var maxValueBytes = 2048

    /// No bound (tests that need a series beyond them).
    static let unlimited = SeriesLabelLimits(maxNames: .max, maxNameBytes: .max, maxValueBytes: .max)
}
