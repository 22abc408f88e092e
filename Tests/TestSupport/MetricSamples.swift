/// Parses the `name{labels} value` lines of an exposition into [series: value], ignoring
/// comments and exemplars.
public func metricSamples(_ text: String) -> [String: Double] {
    var result: [String: Double] = [:]
    for line in text.split(separator: "\n") where !line.hasPrefix("#") {
        let sample = line.split(separator: " # ", maxSplits: 1).first ?? line
        guard let space = sample.lastIndex(of: " "), let value = Double(sample[sample.index(after: space)...]) else {
            continue
        }
        result[String(sample[..<space])] = value
    }
    return result
}
