import PromQL

/// Where rules read series and write what they produce: the metric history in the server, an
/// in-memory store in `telemetryd test rules`.
protocol RuleOutput: SeriesSource {
    /// Appends `samples` at `time` for `producer`; series it wrote last time and not now get
    /// a staleness marker.
    func appendRound(_ samples: [(labels: Labels, value: Double)], at time: Int64, producer: String)
}

extension MetricHistory: RuleOutput {}
