/// Text as Go's `%q` and `strconv.FormatFloat(v, 'f', -1, 64)` write it, which is how
/// Prometheus prints strings, label values and numbers in expressions and messages.
public enum GoQuote {
    /// A double-quoted Go string literal: `\` and `"` escaped, control characters as `\n`,
    /// `\t`, … or `\x..`; other characters as they are.
    public static func quote(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\u{07}": result += "\\a"
            case "\u{08}": result += "\\b"
            case "\u{0C}": result += "\\f"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\u{0B}": result += "\\v"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    result += "\\x" + (hex.count < 2 ? "0" + hex : hex)
                } else if scalar == "\u{FFFD}" || (0x80..<0xA0).contains(scalar.value) {
                    let hex = String(scalar.value, radix: 16)
                    result += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }

    /// The shortest decimal that reads back as `value`, as Go's `FormatFloat(v, 'g', -1, 64)`
    /// writes it (Prometheus's number printing): plain for decimal exponents from -4 to 5,
    /// else `1e+06`, `1e-07`; `NaN`, `+Inf`, `-Inf`.
    /// With `fixed`, never in exponent form, as `FormatFloat(v, 'f', -1, 64)` (`count_values`);
    /// with `exponentForm`, always, as `'e'`.
    public static func formatFloat(_ value: Double, fixed: Bool = false, exponentForm: Bool = false) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == 0 { return value.sign == .minus ? "-0" : "0" }
        // Swift's description is the shortest round-tripping form; take its digits and exponent.
        var text = "\(value.magnitude)"
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...]) ?? 0
            text = String(text[..<e])
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let whole = String(parts[0])
        let fraction = parts.count > 1 ? String(parts[1]) : ""
        var digits = whole + fraction
        var point = whole.count + exponent  // digits before the decimal point
        let leadingZeros = digits.prefix { $0 == "0" }.count
        digits.removeFirst(leadingZeros)
        point -= leadingZeros
        while digits.hasSuffix("0") { digits.removeLast() }
        if digits.isEmpty { digits = "0" }
        let scientific = point - 1
        let sign = value < 0 ? "-" : ""
        if exponentForm || (!fixed && (scientific < -4 || scientific >= 6)) {
            let mantissa = digits.count > 1 ? "\(digits.prefix(1)).\(digits.dropFirst())" : digits
            let magnitude = abs(scientific)
            return sign + mantissa + "e" + (scientific < 0 ? "-" : "+") + (magnitude < 10 ? "0" : "") + "\(magnitude)"
        }
        if point <= 0 { return sign + "0." + String(repeating: "0", count: -point) + digits }
        if point >= digits.count { return sign + digits + String(repeating: "0", count: point - digits.count) }
        return sign + String(digits.prefix(point)) + "." + digits.dropFirst(point)
    }
}
