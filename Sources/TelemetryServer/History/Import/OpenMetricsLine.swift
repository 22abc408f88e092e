import PromQL

/// One line of OpenMetrics text as backfill reads it: a sample with a timestamp, a
/// descriptor or comment to skip, or the closing `# EOF`.
enum OpenMetricsLine: Equatable {
    case sample(labels: Labels, sample: Sample)
    case skip
    case end

    /// Why a line is not valid OpenMetrics, with the column where reading stopped (from 1).
    struct Invalid: Error, Equatable {
        let column: Int
        let reason: String
    }

    /// Parses one line (without its newline).
    static func parse(_ line: Substring) throws(Invalid) -> OpenMetricsLine {
        let bytes = Array(line.utf8)
        if bytes.first == UInt8(ascii: "#") {
            if line == "# EOF" { return .end }
            return .skip
        }
        guard !bytes.isEmpty else { throw Invalid(column: 1, reason: "empty line") }
        var reader = LineReader(bytes: bytes)
        let name = reader.name()
        guard !name.isEmpty else { throw reader.invalid("expected a metric name") }
        var pairs: [(String, String)] = [(Labels.metricName, name)]
        if reader.peek == UInt8(ascii: "{") {
            reader.index += 1
            while reader.peek != UInt8(ascii: "}") {
                let label = reader.name()
                guard !label.isEmpty else { throw reader.invalid("expected a label name") }
                guard reader.take(UInt8(ascii: "=")), reader.take(UInt8(ascii: "\"")) else {
                    throw reader.invalid("expected =\" after label \(label)")
                }
                pairs.append((label, try reader.quoted()))
                if !reader.take(UInt8(ascii: ",")) { break }
            }
            guard reader.take(UInt8(ascii: "}")) else { throw reader.invalid("expected , or }") }
        }
        guard reader.take(UInt8(ascii: " ")) else { throw reader.invalid("expected a space before the value") }
        guard let value = reader.number() else { throw reader.invalid("expected a number") }
        guard reader.take(UInt8(ascii: " ")), let seconds = reader.number(), seconds.isFinite else {
            throw reader.invalid("expected a timestamp: backfill needs one on every sample")
        }
        // An exemplar (` # {…} value [timestamp]`) may follow; backfill ignores it.
        guard reader.isAtEnd || reader.rest.starts(with: " # ".utf8) else {
            throw reader.invalid("unexpected text after the timestamp")
        }
        return .sample(labels: Labels(pairs), sample: Sample(time: Int64((seconds * 1000).rounded()), value: value))
    }
}

/// A cursor over one line's bytes.
private struct LineReader {
    let bytes: [UInt8]
    var index = 0

    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }
    var isAtEnd: Bool { index >= bytes.count }
    var rest: ArraySlice<UInt8> { bytes[index...] }

    func invalid(_ reason: String) -> OpenMetricsLine.Invalid {
        OpenMetricsLine.Invalid(column: index + 1, reason: reason)
    }

    mutating func take(_ byte: UInt8) -> Bool {
        guard peek == byte else { return false }
        index += 1
        return true
    }

    mutating func name() -> String {
        let start = index
        while let byte = peek,
            byte == UInt8(ascii: "_") || byte == UInt8(ascii: ":") || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z"))
                || (index > start && byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
        {
            index += 1
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// A label value after its opening quote, escapes `\\`, `\"`, `\n` resolved.
    mutating func quoted() throws(OpenMetricsLine.Invalid) -> String {
        var value: [UInt8] = []
        while let byte = peek {
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: value, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard let escaped = peek else { throw invalid("unfinished escape") }
                index += 1
                value.append(escaped == UInt8(ascii: "n") ? UInt8(ascii: "\n") : escaped)
            default:
                value.append(byte)
            }
        }
        throw invalid("unterminated label value")
    }

    /// A number up to the next space: decimal, exponent, `NaN`, `+Inf`, `-Inf`.
    mutating func number() -> Double? {
        let start = index
        while let byte = peek, byte != UInt8(ascii: " ") { index += 1 }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        switch text {
        case "NaN": return .nan
        case "+Inf", "Inf": return .infinity
        case "-Inf": return -.infinity
        default: return Double(text)
        }
    }
}
