extension ExpositionEncoder {
    /// Writes the families of the registry's collectors, each collector's sorted by name. A
    /// family whose samples a registered family (or an earlier collected one) owns is skipped.
    func writeCollected(_ registry: MetricRegistry, to buffer: inout ExpositionBuffer) {
        let collectors = registry.collectors
        guard !collectors.isEmpty else { return }
        var written = Set<String>()
        for collector in collectors {
            for family in collector.collect().sorted(by: { $0.name < $1.name }) {
                guard !family.series.isEmpty, written.insert(family.name).inserted, !registry.collides(family) else {
                    continue
                }
                write(family, to: &buffer)
            }
        }
    }

    private func write(_ family: CollectedFamily, to buffer: inout ExpositionBuffer) {
        let sampleName: String
        switch family.type {
        case .counter: sampleName = family.name + "_total"
        case .info: sampleName = family.name + "_info"
        case .gauge, .histogram, .summary: sampleName = family.name
        }
        let familyName = isOpenMetrics ? family.name : sampleName
        let unit = family.name.hasSuffix("_" + family.unit) ? family.unit : ""
        writeHeader(name: Array(familyName.utf8), type: family.type, help: family.help, unit: unit, to: &buffer)
        let sample = Array(sampleName.utf8)
        for series in family.series {
            let labels = Self.render(series.labels)
            switch series.value {
            case .number(let value):
                writeSample(sample, labels, value, to: &buffer)
            case .histogram(let bounds, let counts, let sum):
                writeBuckets(sample, labels, bounds, counts, to: &buffer)
                if let sum { writeSample(Array((sampleName + "_sum").utf8), labels, sum, to: &buffer) }
                writeSample(Array((sampleName + "_count").utf8), labels, Double(counts.reduce(0, &+)), to: &buffer)
            case .summary(let quantiles, let count, let sum):
                for (quantile, value) in quantiles {
                    let withQuantile = series.labels + [(name: "quantile", value: quantileText(quantile))]
                    writeSample(sample, Self.render(withQuantile), value, to: &buffer)
                }
                writeSample(Array((sampleName + "_sum").utf8), labels, sum, to: &buffer)
                writeSample(Array((sampleName + "_count").utf8), labels, Double(count), to: &buffer)
            }
        }
    }

    private func writeBuckets(
        _ name: [UInt8], _ labels: [UInt8], _ bounds: [Double], _ counts: [UInt64], to buffer: inout ExpositionBuffer
    ) {
        let bucketName = name + Array("_bucket".utf8)
        var cumulative: UInt64 = 0
        for index in counts.indices {
            cumulative &+= counts[index]
            var le = ExpositionBuffer(capacity: 24)
            le.append("le=\"")
            if index < bounds.count {
                if isOpenMetrics { le.appendCanonicalFloat(bounds[index]) } else { le.appendValue(bounds[index]) }
            } else {
                le.append("+Inf")
            }
            le.append(UInt8(ascii: "\""))
            writeSample(bucketName, labels.isEmpty ? le.bytes : labels + [UInt8(ascii: ",")] + le.bytes,
                        Double(cumulative), to: &buffer)
        }
    }

    private func quantileText(_ quantile: Double) -> String {
        var text = ExpositionBuffer(capacity: 8)
        if isOpenMetrics { text.appendCanonicalFloat(quantile) } else { text.appendValue(quantile) }
        return String(decoding: text.bytes, as: UTF8.self)
    }

    private static func render(_ labels: [(name: String, value: String)]) -> [UInt8] {
        var text: [UInt8] = []
        for (index, label) in labels.enumerated() {
            if index > 0 { text.append(UInt8(ascii: ",")) }
            text.append(contentsOf: label.name.utf8)
            text.append(contentsOf: "=\"".utf8)
            LabelSet.appendEscapedValue(label.value, to: &text)
            text.append(UInt8(ascii: "\""))
        }
        return text
    }
}
