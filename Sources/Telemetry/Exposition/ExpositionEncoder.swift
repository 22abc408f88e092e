/// Renders a registry in Prometheus text 0.0.4 or OpenMetrics 1.0.
///
/// Families come out sorted by name and series by label values, so the same state always gives
/// the same bytes. Families without series are left out. Exemplars appear in OpenMetrics only.
public struct ExpositionEncoder: Sendable {
    /// The format produced.
    public let format: ExpositionFormat

    /// Creates an encoder for `format`.
    public init(format: ExpositionFormat) {
        self.format = format
    }

    /// Renders every family of `registry`.
    public func encode(_ registry: MetricRegistry) -> [UInt8] {
        var output: [UInt8] = []
        encode([registry], into: &output)
        return output
    }

    /// Renders several registries one after the other; their family names must not overlap.
    public func encode(_ registries: [MetricRegistry]) -> [UInt8] {
        var output: [UInt8] = []
        encode(registries, into: &output)
        return output
    }

    /// Appends the rendering of `registries` to `output`, so a caller can reuse one buffer
    /// across scrapes and skip regrowing it.
    public func encode(_ registries: [MetricRegistry], into output: inout [UInt8]) {
        var buffer = ExpositionBuffer(capacity: 0)
        swap(&buffer.bytes, &output)
        defer { swap(&buffer.bytes, &output) }
        for registry in registries {
            buffer.bytes.reserveCapacity(buffer.bytes.count + registry.expositionSizeHint)
            let start = buffer.bytes.count
            for family in registry.families {
                write(family, to: &buffer)
            }
            writeCollected(registry, to: &buffer)
            registry.expositionSizeHint = buffer.bytes.count - start
        }
        if format == .openMetrics { buffer.append("# EOF\n") }
    }

    var isOpenMetrics: Bool { format == .openMetrics }

    private func write(_ family: MetricFamily, to buffer: inout ExpositionBuffer) {
        switch family {
        case .counter(let counter):
            let children = counter.children.sorted()
            guard !children.isEmpty else { return }
            let sampleName = Array((counter.descriptor.name + "_total").utf8)
            writeHeader(counter.descriptor, familyName: isOpenMetrics ? nil : sampleName, to: &buffer)
            let withExemplars = isOpenMetrics
            children.forEach { prefix, child in
                buffer.append(prefix)
                buffer.appendValue(child.value)
                if withExemplars, let exemplar = child.exemplar {
                    writeExemplar(exemplar, to: &buffer)
                } else {
                    buffer.append(UInt8(ascii: "\n"))
                }
            }
        case .upDownCounter(let counter):
            let children = counter.children.sorted()
            guard !children.isEmpty else { return }
            writeHeader(counter.descriptor, familyName: nil, to: &buffer)
            children.forEach { prefix, child in writeLine(prefix, child.value, to: &buffer) }
        case .gauge(let gauge):
            let children = gauge.children.sorted()
            guard !children.isEmpty else { return }
            writeHeader(gauge.descriptor, familyName: nil, to: &buffer)
            children.forEach { prefix, child in writeLine(prefix, child.value, to: &buffer) }
        case .histogram(let histogram):
            let children = histogram.children.sorted()
            guard !children.isEmpty else { return }
            writeHeader(histogram.descriptor, familyName: nil, to: &buffer)
            writeHistogram(histogram, children, to: &buffer)
        }
    }

    private func writeHeader(_ descriptor: MetricDescriptor, familyName: [UInt8]?, to buffer: inout ExpositionBuffer) {
        writeHeader(
            name: familyName ?? Array(descriptor.name.utf8), type: descriptor.type, help: descriptor.help,
            unit: descriptor.unit, to: &buffer)
    }

    /// `# HELP`, `# TYPE` and (OpenMetrics only) `# UNIT` lines for the family `name`.
    func writeHeader(name: [UInt8], type: MetricType, help: String, unit: String, to buffer: inout ExpositionBuffer) {
        if !help.isEmpty {
            buffer.append("# HELP ")
            buffer.append(name)
            buffer.append(UInt8(ascii: " "))
            buffer.appendEscapedHelp(help, escapeQuotes: isOpenMetrics)
            buffer.append(UInt8(ascii: "\n"))
        }
        buffer.append("# TYPE ")
        buffer.append(name)
        buffer.append(UInt8(ascii: " "))
        buffer.append(type == .info && !isOpenMetrics ? MetricType.gauge.rawValue : type.rawValue)
        buffer.append(UInt8(ascii: "\n"))
        if isOpenMetrics, !unit.isEmpty {
            buffer.append("# UNIT ")
            buffer.append(name)
            buffer.append(UInt8(ascii: " "))
            buffer.append(unit)
            buffer.append(UInt8(ascii: "\n"))
        }
    }

    /// `name{labels} value\n`
    @inline(__always)
    func writeSample(_ name: [UInt8], _ labels: [UInt8], _ value: Double, to buffer: inout ExpositionBuffer) {
        buffer.append(name)
        if !labels.isEmpty {
            buffer.append(UInt8(ascii: "{"))
            buffer.append(labels)
            buffer.append(UInt8(ascii: "}"))
        }
        buffer.append(UInt8(ascii: " "))
        buffer.appendValue(value)
        buffer.append(UInt8(ascii: "\n"))
    }

    /// `prefix value\n`, where the prefix is `name{labels} ` rendered when the child was made.
    @inline(__always)
    private func writeLine(_ prefix: UnsafeBufferPointer<UInt8>, _ value: Double, to buffer: inout ExpositionBuffer) {
        buffer.append(prefix)
        buffer.appendValue(value)
        buffer.append(UInt8(ascii: "\n"))
    }

    /// ` # {trace_id="…",span_id="…"} value timestamp\n`, ending the sample line.
    private func writeExemplar(_ exemplar: Exemplar, to buffer: inout ExpositionBuffer) {
        buffer.append(" # {trace_id=\"")
        buffer.append(exemplar.traceID)
        buffer.append("\",span_id=\"")
        buffer.append(exemplar.spanID)
        buffer.append("\"} ")
        buffer.appendValue(exemplar.value)
        buffer.append(UInt8(ascii: " "))
        buffer.appendValue(exemplar.timestamp)
        buffer.append(UInt8(ascii: "\n"))
    }

    private func writeHistogram(
        _ histogram: Histogram, _ children: SortedChildren<HistogramChild>, to buffer: inout ExpositionBuffer
    ) {
        let name = histogram.descriptor.name
        let bucketName = Array((name + "_bucket").utf8)
        let sumName = Array((name + "_sum").utf8)
        let countName = Array((name + "_count").utf8)
        var leLabels: [[UInt8]] = histogram.buckets.map { bound in
            var text = ExpositionBuffer(capacity: 24)
            text.append("le=\"")
            if isOpenMetrics { text.appendCanonicalFloat(bound) } else { text.appendValue(bound) }
            text.append("\"}")
            return text.bytes
        }
        leLabels.append(Array("le=\"+Inf\"}".utf8))
        for child in children.children {
            let labels = child.labels.rendered
            let exemplars = isOpenMetrics ? child.bucketExemplars : []
            var cumulative: UInt64 = 0
            for index in leLabels.indices {
                cumulative &+= child.bucketCount(at: index)
                buffer.append(bucketName)
                buffer.append(UInt8(ascii: "{"))
                if !labels.isEmpty {
                    buffer.append(labels)
                    buffer.append(UInt8(ascii: ","))
                }
                buffer.append(leLabels[index])
                buffer.append(UInt8(ascii: " "))
                buffer.appendUnsigned(cumulative)
                if !exemplars.isEmpty, let exemplar = exemplars[index] {
                    writeExemplar(exemplar, to: &buffer)
                } else {
                    buffer.append(UInt8(ascii: "\n"))
                }
            }
            writeSample(sumName, labels, child.sum, to: &buffer)
            writeSample(countName, labels, Double(cumulative), to: &buffer)
        }
    }
}
