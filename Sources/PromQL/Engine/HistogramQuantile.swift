/// `histogram_quantile(φ, buckets)` over classic histograms: buckets grouped by their labels
/// without `le` (and the metric name), interpolated linearly within the bucket the rank falls
/// in, as Prometheus 2.42 does (buckets with the same bound merged, counts forced monotonic).
enum HistogramQuantile {
    static func evaluate(_ q: Double, _ elements: [VectorElement]) -> [VectorElement] {
        var groupIndex: [Labels: Int] = [:]
        var groups: [(labels: Labels, buckets: [(bound: Double, count: Double)])] = []
        for element in elements {
            guard let bound = parseBound(element.labels["le"]) else { continue }
            let key = element.labels.removing([Labels.metricName, "le"])
            if let index = groupIndex[key] {
                groups[index].buckets.append((bound, element.value))
            } else {
                groupIndex[key] = groups.count
                groups.append((key, [(bound, element.value)]))
            }
        }
        return groups.map { VectorElement(labels: $0.labels, value: quantile(q, $0.buckets)) }
    }

    /// A bucket bound as Go's `ParseFloat` reads it (`+Inf`, `0.5`, `1e3`).
    static func parseBound(_ text: String) -> Double? {
        switch text.lowercased() {
        case "+inf", "inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        case "nan": return .nan
        default: return text.isEmpty ? nil : Double(text)
        }
    }

    static func quantile(_ q: Double, _ unsorted: [(bound: Double, count: Double)]) -> Double {
        if q.isNaN { return .nan }
        if q < 0 { return -.infinity }
        if q > 1 { return .infinity }
        var buckets = unsorted.sorted { $0.bound < $1.bound }
        guard let last = buckets.last, last.bound == .infinity else { return .nan }
        // Merge buckets with the same bound, then make counts monotonic.
        var merged: [(bound: Double, count: Double)] = []
        for bucket in buckets {
            if let previous = merged.last, previous.bound == bucket.bound {
                merged[merged.count - 1].count += bucket.count
            } else {
                merged.append(bucket)
            }
        }
        buckets = merged
        var highest = -Double.infinity
        for index in buckets.indices {
            if buckets[index].count > highest {
                highest = buckets[index].count
            } else if buckets[index].count < highest {
                buckets[index].count = highest
            }
        }
        guard buckets.count >= 2 else { return .nan }
        let observations = buckets[buckets.count - 1].count
        guard observations != 0 else { return .nan }
        var rank = q * observations
        let b = buckets.dropLast().firstIndex { $0.count >= rank } ?? buckets.count - 1
        if b == buckets.count - 1 { return buckets[buckets.count - 2].bound }
        if b == 0, buckets[0].bound <= 0 { return buckets[0].bound }
        var start = 0.0
        var count = buckets[b].count
        if b > 0 {
            start = buckets[b - 1].bound
            count -= buckets[b - 1].count
            rank -= buckets[b - 1].count
        }
        return start + (buckets[b].bound - start) * (rank / count)
    }
}
