/// The character rules of the Prometheus data model for metric and label names.
enum MetricNameRules {
    /// `[a-zA-Z_:][a-zA-Z0-9_:]*`
    static func isValidMetricName(_ name: String) -> Bool {
        isValid(name, allowColon: true)
    }

    /// `[a-zA-Z_][a-zA-Z0-9_]*`
    static func isValidLabelName(_ name: String) -> Bool {
        isValid(name, allowColon: false)
    }

    private static func isValid(_ name: String, allowColon: Bool) -> Bool {
        var first = true
        for byte in name.utf8 {
            let isLetter = (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || byte == UInt8(ascii: "_")
                || (allowColon && byte == UInt8(ascii: ":"))
            let isDigit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
            if !(isLetter || (!first && isDigit)) { return false }
            first = false
        }
        return !first
    }
}
