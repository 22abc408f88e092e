/// A growing byte buffer with the number formatting and escaping the exposition formats need.
struct ExpositionBuffer {
    var bytes: [UInt8] = []

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    @inline(__always)
    mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        bytes.append(byte)
    }

    @inline(__always)
    mutating func append(_ other: [UInt8]) {
        bytes.append(contentsOf: other)
    }

    @inline(__always)
    mutating func append(_ other: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: other)
    }

    mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// Writes a sample value: `NaN`, `+Inf`, `-Inf`, whole numbers without a fraction,
    /// everything else in Swift's shortest round-trip form (which Prometheus parses).
    mutating func appendValue(_ value: Double) {
        if value.isNaN {
            append("NaN")
        } else if value.isInfinite {
            append(value > 0 ? "+Inf" : "-Inf")
        } else if value.magnitude < 1e15, value == value.rounded(.towardZero) {
            appendInteger(Int64(value))
        } else {
            append(value.description)
        }
    }

    /// Writes a float in OpenMetrics' canonical form: whole numbers keep a `.0`.
    mutating func appendCanonicalFloat(_ value: Double) {
        appendValue(value)
        if value.isFinite, value.magnitude < 1e15, value == value.rounded(.towardZero) {
            append(".0")
        }
    }

    mutating func appendInteger(_ value: Int64) {
        if value < 0 { append(UInt8(ascii: "-")) }
        appendUnsigned(value.magnitude)
    }

    mutating func appendUnsigned(_ value: UInt64) {
        if value < 10 {
            bytes.append(UInt8(ascii: "0") &+ UInt8(value))
            return
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var remaining = value
            var index = 20
            while remaining > 0 {
                index -= 1
                digits[index] = UInt8(ascii: "0") &+ UInt8(remaining % 10)
                remaining /= 10
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[index..<20]))
        }
    }

    /// Escapes help text: `\` and newline always, `"` too in OpenMetrics.
    mutating func appendEscapedHelp(_ help: String, escapeQuotes: Bool) {
        for byte in help.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): append("\\\\")
            case UInt8(ascii: "\n"): append("\\n")
            case UInt8(ascii: "\"") where escapeQuotes: append("\\\"")
            default: bytes.append(byte)
            }
        }
    }
}
