import PromQL

/// The metric history with the registry's values of this instant added as one more sample per
/// series, so a view refreshed every 250 ms moves between the history's samples.
struct LiveSeriesSource: SeriesSource {
    let history: any SeriesSource
    /// The registry as gathered at `time`.
    let snapshot: [(labels: Labels, value: Double)]
    let time: Int64

    func select(_ matchers: [LabelMatcher], start: Int64, end: Int64) throws -> [Series] {
        var series = try history.select(matchers, start: start, end: end)
        guard time >= start, time <= end else { return series }
        let compiled = try matchers.map(CompiledMatcher.init)
        var index: [Labels: Int] = [:]
        for (position, item) in series.enumerated() { index[item.labels] = position }
        for sample in snapshot where compiled.allSatisfy({ $0.matches(sample.labels[$0.name]) }) {
            if let position = index[sample.labels] {
                if let last = series[position].samples.last, last.time >= time { continue }
                series[position].samples.append(Sample(time: time, value: sample.value))
            } else {
                series.append(Series(labels: sample.labels, samples: [Sample(time: time, value: sample.value)]))
            }
        }
        return series
    }
}
