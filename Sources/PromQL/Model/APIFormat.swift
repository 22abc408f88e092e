/// Numbers as Prometheus's HTTP API writes them in JSON.
public enum APIFormat {
    /// A sample value as a JSON string: always plain decimals (`0.0000001`,
    /// `1500000000000000000000`), `NaN`, `+Inf`, `-Inf`, as Prometheus 2.42 writes them
    /// (`FormatFloat(v, 'f', -1, 64)`).
    public static func value(_ value: Double) -> String {
        "\"" + plain(value) + "\""
    }

    /// `FormatFloat(v, 'f', -1, 64)` without the quotes.
    public static func plain(_ value: Double) -> String {
        var out: [UInt8] = []
        appendPlain(value, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `[time,"value"]` to `out`: one point of a matrix, written byte by byte.
    public static func appendPoint(_ sample: Sample, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        let magnitude = sample.time.magnitude
        if sample.time < 0 { out.append(UInt8(ascii: "-")) }
        appendDigits(magnitude / 1000, to: &out)
        let fraction = magnitude % 1000
        if fraction != 0 {
            out.append(UInt8(ascii: "."))
            out.append(UInt8(ascii: "0") + UInt8(fraction / 100))
            out.append(UInt8(ascii: "0") + UInt8(fraction / 10 % 10))
            out.append(UInt8(ascii: "0") + UInt8(fraction % 10))
        }
        out += ",\"".utf8
        appendPlain(sample.value, to: &out)
        out += "\"]".utf8
    }

    /// `FormatFloat(v, 'f', -1, 64)` appended to `out`. Integers and values Swift already
    /// prints without an exponent take a fast path (a range query writes millions of them);
    /// Swift's and Go's shortest round-tripping digits are the same.
    private static func appendPlain(_ value: Double, to out: inout [UInt8]) {
        guard value.isFinite else {
            out += GoQuote.formatFloat(value, fixed: true).utf8
            return
        }
        if value == value.rounded(.towardZero), value.magnitude < 1e15, !(value == 0 && value.sign == .minus) {
            if value < 0 { out.append(UInt8(ascii: "-")) }
            appendDigits(UInt64(value.magnitude), to: &out)
            return
        }
        var text = value.description
        let written: Bool = text.withUTF8 { bytes in
            guard !bytes.contains(UInt8(ascii: "e")) else { return false }
            out.append(contentsOf: bytes)
            return true
        }
        if !written { out += GoQuote.formatFloat(value, fixed: true).utf8 }
    }

    private static func appendDigits(_ number: UInt64, to out: inout [UInt8]) {
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
            UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var rest = number
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[19 - count] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                count += 1
            } while rest > 0
            out += buffer[(20 - count)...]
        }
    }

    /// A time in milliseconds as seconds with three decimals when there is a fraction
    /// (Prometheus's `jsonutil.MarshalTimestamp`): `1700000000`, `1700000000.250`.
    public static func timestamp(_ milliseconds: Int64) -> String {
        let sign = milliseconds < 0 ? "-" : ""
        let magnitude = milliseconds.magnitude
        let fraction = magnitude % 1000
        guard fraction != 0 else { return "\(sign)\(magnitude / 1000)" }
        let digits = String(fraction)
        return "\(sign)\(magnitude / 1000)." + String(repeating: "0", count: 3 - digits.count) + digits
    }

    /// A JSON string literal.
    public static func string(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }

    /// Labels as a JSON object, keys in order.
    public static func labels(_ labels: Labels) -> String {
        "{" + labels.pairs.map { "\(string($0.name)):\(string($0.value))" }.joined(separator: ",") + "}"
    }
}
