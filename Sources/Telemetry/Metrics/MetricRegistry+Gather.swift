/// One sample of a registry snapshot, named and labelled as the text exposition writes it
/// (`_total`, `_bucket` with `le`, `_sum`, `_count`, `quantile`).
public struct GatheredSample: Sendable {
    /// The sample's metric name.
    public var name: String
    /// Its labels, in the family's label order, empty values left out.
    public var labels: [(name: String, value: String)]
    /// The value.
    public var value: Double
    /// The latest exemplar of a counter or histogram bucket, if one was recorded.
    public var exemplar: Exemplar?

    /// Creates a sample.
    public init(name: String, labels: [(name: String, value: String)], value: Double, exemplar: Exemplar? = nil) {
        self.name = name
        self.labels = labels
        self.value = value
        self.exemplar = exemplar
    }
}

extension MetricRegistry {
    /// Every sample the registry exposes now, read from the metrics themselves (never by
    /// parsing exposition text): registered families first, then collectors' families that do
    /// not collide with them, as `/metrics` shows them. The metric history samples this.
    public func gather() -> [GatheredSample] {
        var samples: [GatheredSample] = []
        for family in families {
            let names = family.descriptor.labelNames
            func labels(_ set: LabelSet) -> [(name: String, value: String)] {
                zip(names, set.values).filter { !$0.1.isEmpty }.map { (name: $0.0, value: $0.1) }
            }
            let name = family.descriptor.name
            switch family {
            case .counter(let counter):
                for child in counter.children.sorted().children {
                    samples.append(
                        GatheredSample(
                            name: name + "_total", labels: labels(child.labels), value: child.value, exemplar: child.exemplar))
                }
            case .upDownCounter(let counter):
                for child in counter.children.sorted().children {
                    samples.append(GatheredSample(name: name, labels: labels(child.labels), value: child.value))
                }
            case .gauge(let gauge):
                for child in gauge.children.sorted().children {
                    samples.append(GatheredSample(name: name, labels: labels(child.labels), value: child.value))
                }
            case .histogram(let histogram):
                for child in histogram.children.sorted().children {
                    let snapshot = child.snapshot
                    Self.appendHistogram(
                        name, labels(child.labels), bounds: snapshot.bounds, cumulative: snapshot.cumulativeCounts,
                        sum: snapshot.sum, exemplars: snapshot.exemplars, to: &samples)
                }
            }
        }
        var seen = Set<String>()
        for collector in collectors {
            for family in collector.collect() where !family.series.isEmpty && seen.insert(family.name).inserted && !collides(family) {
                Self.appendCollected(family, to: &samples)
            }
        }
        return samples
    }

    private static func appendHistogram(
        _ name: String, _ labels: [(name: String, value: String)], bounds: [Double], cumulative: [UInt64], sum: Double?,
        exemplars: [Exemplar?] = [], to samples: inout [GatheredSample]
    ) {
        for (index, count) in cumulative.enumerated() {
            var le = ExpositionBuffer(capacity: 24)
            if index < bounds.count { le.appendValue(bounds[index]) } else { le.append("+Inf") }
            samples.append(
                GatheredSample(
                    name: name + "_bucket", labels: labels + [(name: "le", value: String(decoding: le.bytes, as: UTF8.self))],
                    value: Double(count), exemplar: index < exemplars.count ? exemplars[index] : nil))
        }
        if let sum { samples.append(GatheredSample(name: name + "_sum", labels: labels, value: sum)) }
        samples.append(GatheredSample(name: name + "_count", labels: labels, value: Double(cumulative.last ?? 0)))
    }

    private static func appendCollected(_ family: CollectedFamily, to samples: inout [GatheredSample]) {
        let name: String
        switch family.type {
        case .counter: name = family.name + "_total"
        case .info: name = family.name + "_info"
        case .gauge, .histogram, .summary: name = family.name
        }
        for series in family.series {
            switch series.value {
            case .number(let value):
                samples.append(GatheredSample(name: name, labels: series.labels, value: value))
            case .histogram(let bounds, let counts, let sum):
                var running: UInt64 = 0
                let cumulative = counts.map { count -> UInt64 in
                    running &+= count
                    return running
                }
                appendHistogram(name, series.labels, bounds: bounds, cumulative: cumulative, sum: sum, to: &samples)
            case .summary(let quantiles, let count, let sum):
                for (quantile, value) in quantiles {
                    var text = ExpositionBuffer(capacity: 8)
                    text.appendValue(quantile)
                    samples.append(
                        GatheredSample(
                            name: name, labels: series.labels + [(name: "quantile", value: String(decoding: text.bytes, as: UTF8.self))],
                            value: value))
                }
                samples.append(GatheredSample(name: name + "_sum", labels: series.labels, value: sum))
                samples.append(GatheredSample(name: name + "_count", labels: series.labels, value: Double(count)))
            }
        }
    }
}

/// What the registry says about one metric family: its exposed name, type, help and unit.
public struct MetricMetadata: Sendable, Equatable {
    /// The name queries use (`_total` included for counters, as in the text format).
    public var name: String
    public var type: MetricType
    public var help: String
    public var unit: String
}

extension MetricRegistry {
    /// Metadata of every family exposed now (registered, then collected), for Prometheus's
    /// `/api/v1/metadata`.
    public func metadata() -> [MetricMetadata] {
        var result: [MetricMetadata] = families.map { family in
            let descriptor = family.descriptor
            let isCounter: Bool
            if case .counter = family { isCounter = true } else { isCounter = false }
            return MetricMetadata(
                name: isCounter ? descriptor.name + "_total" : descriptor.name, type: descriptor.type,
                help: descriptor.help, unit: descriptor.unit)
        }
        var seen = Set(result.map(\.name))
        for collector in collectors {
            for family in collector.collect() where !family.series.isEmpty && !collides(family) {
                let name = family.type == .counter ? family.name + "_total" : family.name
                guard seen.insert(name).inserted else { continue }
                result.append(MetricMetadata(name: name, type: family.type, help: family.help, unit: family.unit))
            }
        }
        return result
    }
}
