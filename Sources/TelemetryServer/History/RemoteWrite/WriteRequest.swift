import PromQL

/// A Prometheus remote-write 1.0 `WriteRequest` (`prometheus/prompb`): series with their
/// samples. Field numbers: WriteRequest.timeseries 1; TimeSeries.labels 1, samples 2,
/// exemplars 3, histograms 4; Label.name 1, value 2; Sample.value 1 (double),
/// timestamp 2 (int64 milliseconds).
struct WriteRequest: Sendable {
    /// Why a body is not a valid write request.
    struct Invalid: Error, CustomStringConvertible {
        let description: String
    }

    var series: [(labels: Labels, samples: [Sample])] = []
    /// Native-histogram samples, which this store does not hold.
    var histogramSamples = 0

    init(series: [(labels: Labels, samples: [Sample])] = []) {
        self.series = series
    }

    /// Decodes and validates `bytes`: every series needs a `__name__`, valid and unique label
    /// names, valid UTF-8, and labels within `limits`.
    init(decoding bytes: [UInt8], interner: LabelsInterner? = nil, limits: SeriesLabelLimits = SeriesLabelLimits())
        throws(Invalid)
    {
        let decoded: Result<WriteRequest, Invalid> = bytes.withUnsafeBytes { raw in
            do throws(Invalid) {
                var request = WriteRequest()
                var cursor = ProtobufCursor(raw)
                var ranges: [Range<Int>] = []
                do throws(ProtobufCursor.Malformed) {
                    while !cursor.isAtEnd {
                        let (field, wireType) = try cursor.tag()
                        guard field == 1, wireType == 2 else {
                            try cursor.skip(wireType)
                            continue
                        }
                        ranges.append(try cursor.lengthDelimited())
                    }
                } catch {
                    throw Invalid(description: "malformed protobuf: \(error.reason)")
                }
                request.series.reserveCapacity(ranges.count)
                for (number, range) in ranges.enumerated() {
                    try Self.decodeSeries(raw, range, index: number, interner: interner, limits: limits, into: &request)
                }
                return .success(request)
            } catch {
                return .failure(error)
            }
        }
        self = try decoded.get()
    }

    private static func decodeSeries(
        _ raw: UnsafeRawBufferPointer, _ range: Range<Int>, index: Int, interner: LabelsInterner?,
        limits: SeriesLabelLimits, into request: inout WriteRequest
    ) throws(Invalid) {
        var cursor = ProtobufCursor(raw, range: range)
        var labelFields: [Range<Int>] = []
        // The label fields' bytes when they lie next to each other (as senders write them):
        // the key under which the interner remembers the decoded label set.
        var labelSpan: Range<Int>?
        var contiguous = true
        var samples: [Sample] = []
        do throws(ProtobufCursor.Malformed) {
            while !cursor.isAtEnd {
                let fieldStart = cursor.index
                let (field, wireType) = try cursor.tag()
                switch (field, wireType) {
                case (1, 2):
                    labelFields.append(try cursor.lengthDelimited())
                    if let span = labelSpan, span.upperBound != fieldStart { contiguous = false }
                    labelSpan = (labelSpan?.lowerBound ?? fieldStart)..<cursor.index
                case (2, 2):
                    samples.append(try decodeSample(raw, try cursor.lengthDelimited()))
                case (4, 2):
                    _ = try cursor.lengthDelimited()
                    request.histogramSamples += 1
                default:
                    try cursor.skip(wireType)
                }
            }
        } catch {
            throw Invalid(description: "malformed protobuf in series \(index): \(error.reason)")
        }
        let key = contiguous ? labelSpan.map { UnsafeRawBufferPointer(rebasing: raw[$0]) } : nil
        if let key, let known = interner?.labels(for: key) {
            if !samples.isEmpty { request.series.append((known, samples)) }
            return
        }
        // Counted before any string is made.
        if let problem = limits.countProblem(labelFields.count) { throw Invalid(description: "series \(index): \(problem)") }
        var pairs: [(name: String, value: String)] = []
        pairs.reserveCapacity(labelFields.count)
        for label in labelFields { pairs.append(try decodeLabel(raw, label, series: index, limits: limits)) }
        for (name, _) in pairs where !Labels.isValidName(name) {
            throw Invalid(description: "series \(index): invalid label name \"\(name)\"")
        }
        guard let labels = Labels.unique(pairs) else {
            // The first name seen a second time, found in one pass (counting each name's
            // occurrences was quadratic: 2.4 s for a series of 32,000 labels).
            var seen = Set<String>()
            let repeated = pairs.first { !seen.insert($0.name).inserted }?.name ?? ""
            throw Invalid(description: "series \(index): label \"\(repeated)\" appears twice")
        }
        guard !labels[Labels.metricName].isEmpty else {
            throw Invalid(description: "series \(index) \(labels): no __name__ label")
        }
        if let key { interner?.remember(key, labels) }
        if !samples.isEmpty { request.series.append((labels, samples)) }
    }

    private static func decodeLabel(
        _ raw: UnsafeRawBufferPointer, _ range: Range<Int>, series: Int, limits: SeriesLabelLimits
    ) throws(Invalid) -> (String, String) {
        var cursor = ProtobufCursor(raw, range: range)
        var name = ""
        var value = ""
        while !cursor.isAtEnd {
            let field: Int
            let text: Range<Int>
            do throws(ProtobufCursor.Malformed) {
                let wireType: Int
                (field, wireType) = try cursor.tag()
                guard wireType == 2, field == 1 || field == 2 else {
                    try cursor.skip(wireType)
                    continue
                }
                text = try cursor.lengthDelimited()
            } catch {
                throw Invalid(description: "malformed protobuf in series \(series): \(error.reason)")
            }
            // Checked before a string is made: an over-long label is refused, never decoded.
            if let problem = field == 1
                ? limits.nameProblem(bytes: text.count)
                : limits.valueProblem(bytes: text.count, name: name.isEmpty ? nil : name)
            {
                throw Invalid(description: "series \(series): \(problem)")
            }
            guard let decoded = cursor.string(text) else {
                throw Invalid(
                    description: "malformed protobuf in series \(series): label \(field == 1 ? "name" : "value") is not valid UTF-8")
            }
            if field == 1 { name = decoded } else { value = decoded }
        }
        return (name, value)
    }

    private static func decodeSample(_ raw: UnsafeRawBufferPointer, _ range: Range<Int>)
        throws(ProtobufCursor.Malformed) -> Sample
    {
        var cursor = ProtobufCursor(raw, range: range)
        var sample = Sample(time: 0, value: 0)
        while !cursor.isAtEnd {
            let (field, wireType) = try cursor.tag()
            switch (field, wireType) {
            case (1, 1): sample.value = Double(bitPattern: try cursor.fixed64())
            case (2, 0): sample.time = Int64(bitPattern: try cursor.varint())
            default: try cursor.skip(wireType)
            }
        }
        return sample
    }

    /// The request as protobuf wire bytes (not yet snappy-compressed).
    func encoded() -> [UInt8] {
        var out: [UInt8] = []
        var seriesBytes: [UInt8] = []
        var labelBytes: [UInt8] = []
        for (labels, samples) in series {
            seriesBytes.removeAll(keepingCapacity: true)
            for pair in labels.pairs {
                labelBytes.removeAll(keepingCapacity: true)
                Self.appendString(field: 1, pair.name, to: &labelBytes)
                Self.appendString(field: 2, pair.value, to: &labelBytes)
                Self.appendBytes(field: 1, labelBytes, to: &seriesBytes)
            }
            for sample in samples {
                var sampleBytes: [UInt8] = [0x09]
                var bits = sample.value.bitPattern
                for _ in 0..<8 {
                    sampleBytes.append(UInt8(truncatingIfNeeded: bits))
                    bits >>= 8
                }
                sampleBytes.append(0x10)
                Varint.append(UInt64(bitPattern: sample.time), to: &sampleBytes)
                Self.appendBytes(field: 2, sampleBytes, to: &seriesBytes)
            }
            Self.appendBytes(field: 1, seriesBytes, to: &out)
        }
        return out
    }

    private static func appendString(field: Int, _ text: String, to out: inout [UInt8]) {
        appendBytes(field: field, Array(text.utf8), to: &out)
    }

    private static func appendBytes(field: Int, _ bytes: [UInt8], to out: inout [UInt8]) {
        Varint.append(UInt64(field << 3 | 2), to: &out)
        Varint.append(UInt64(bytes.count), to: &out)
        out += bytes
    }
}
