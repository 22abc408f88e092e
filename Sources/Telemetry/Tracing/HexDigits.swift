/// Lowercase hex formatting and strict parsing for ids, without Foundation.
///
/// Digits are computed rather than looked up in a table: a global array costs a lazy-global
/// check and a retain per access, more than the arithmetic (measured on traceparent inject).
enum HexDigits {
    /// The lowercase hex digit for the low four bits of `value`.
    @inline(__always)
    static func character(_ value: UInt64) -> UInt8 {
        let nibble = UInt8(truncatingIfNeeded: value & 0xF)
        return nibble < 10 ? nibble &+ UInt8(ascii: "0") : nibble &+ (UInt8(ascii: "a") &- 10)
    }

    /// The value of the lowercase hex digit `byte`, or nil. Uppercase is rejected: W3C trace
    /// context allows lowercase only.
    @inline(__always)
    static func value(_ byte: UInt8) -> UInt64? {
        let decimal = byte &- UInt8(ascii: "0")
        if decimal < 10 { return UInt64(decimal) }
        let letter = byte &- UInt8(ascii: "a")
        return letter < 6 ? UInt64(letter &+ 10) : nil
    }

    /// Writes `value` as `count` lowercase hex digits (most significant first) at `buffer[offset...]`.
    @inline(__always)
    static func write(_ value: UInt64, digits count: Int, into buffer: UnsafeMutableBufferPointer<UInt8>, at offset: Int) {
        var remaining = value
        var index = offset + count - 1
        while index >= offset {
            buffer[index] = character(remaining)
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
    static func parse(_ bytes: some Collection<UInt8>) -> UInt64? {
        guard bytes.count <= 16 else { return nil }
        var result: UInt64 = 0
        for byte in bytes {
            guard let digit = value(byte) else { return nil }
            result = result << 4 | digit
        }
        return result
    }

    /// Parses the `count` (at most 16) lowercase hex digits at `buffer[offset...]`.
    @inline(__always)
    static func parse(_ buffer: UnsafeBufferPointer<UInt8>, at offset: Int, count: Int) -> UInt64? {
        var result: UInt64 = 0
        for index in offset..<(offset + count) {
            guard let digit = value(buffer[index]) else { return nil }
            result = result << 4 | digit
        }
        return result
    }
}
