/// Lowercase hex formatting and strict parsing for ids, without Foundation.
enum HexDigits {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Writes `value` as `count` lowercase hex digits (most significant first) at `buffer[offset...]`.
    static func write(_ value: UInt64, digits count: Int, into buffer: UnsafeMutableBufferPointer<UInt8>, at offset: Int) {
        var remaining = value
        var index = offset + count - 1
        while index >= offset {
            buffer[index] = digits[Int(remaining & 0xF)]
            remaining >>= 4
            index -= 1
        }
    }

    /// `value` as 16 lowercase hex digits.
    static func string(_ value: UInt64) -> String {
        String(unsafeUninitializedCapacity: 16) { buffer in
            write(value, digits: 16, into: buffer, at: 0)
            return 16
        }
    }

    /// Parses exactly `bytes.count` lowercase hex digits (at most 16) into a number.
    /// Uppercase digits are rejected: W3C trace context allows lowercase only.
    static func parse(_ bytes: some Collection<UInt8>) -> UInt64? {
        guard bytes.count <= 16 else { return nil }
        var value: UInt64 = 0
        for byte in bytes {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte &- UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte &- UInt8(ascii: "a") &+ 10
            default: return nil
            }
            value = value << 4 | UInt64(digit)
        }
        return value
    }
}
