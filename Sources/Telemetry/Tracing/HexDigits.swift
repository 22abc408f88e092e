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

    /// The value of the two lowercase hex digits `high` and `low`, or nil: a traceparent's
    /// version and flags, without a loop.
    @inline(__always)
    static func byte(_ high: UInt8, _ low: UInt8) -> UInt8? {
        guard let high = value(high), let low = value(low) else { return nil }
        return UInt8(truncatingIfNeeded: high << 4 | low)
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

    /// Writes `value` as 16 lowercase hex digits at `buffer[offset...]`, eight digits per step:
    /// each nibble is spread into its own byte and turned into a digit for all eight bytes at
    /// once (a traceparent header is 50 digits).
    @inline(__always)
    static func write16(_ value: UInt64, into buffer: UnsafeMutableBufferPointer<UInt8>, at offset: Int) {
        guard let base = buffer.baseAddress, offset + 16 <= buffer.count else {
            write(value, digits: 16, into: buffer, at: offset)
            return
        }
        let raw = UnsafeMutableRawPointer(base + offset)
        raw.storeBytes(of: digits8(UInt32(truncatingIfNeeded: value >> 32)).littleEndian, as: UInt64.self)
        (raw + 8).storeBytes(of: digits8(UInt32(truncatingIfNeeded: value)).littleEndian, as: UInt64.self)
    }

    /// The eight hex digits of `value`, the first digit in the lowest byte.
    @inline(__always)
    private static func digits8(_ value: UInt32) -> UInt64 {
        var spread = UInt64(value)
        spread = (spread | spread << 16) & 0x0000_FFFF_0000_FFFF
        spread = (spread | spread << 8) & 0x00FF_00FF_00FF_00FF
        spread = (spread | spread << 4) & 0x0F0F_0F0F_0F0F_0F0F
        // 1 in each byte whose nibble is 10 or more: it becomes a letter.
        let letters = ((spread &+ 0x0606_0606_0606_0606) & 0x1010_1010_1010_1010) >> 4
        let ascii = spread &+ 0x3030_3030_3030_3030 &+ letters &* UInt64(UInt8(ascii: "a") - UInt8(ascii: "0") - 10)
        // The most significant nibble was spread into the highest byte: it goes first.
        return ascii.byteSwapped
    }

    /// Parses the 16 lowercase hex digits at `buffer[offset...]`, eight per step; nil if any
    /// byte is not one.
    @inline(__always)
    static func parse16(_ buffer: UnsafeBufferPointer<UInt8>, at offset: Int) -> UInt64? {
        guard let base = buffer.baseAddress, offset + 16 <= buffer.count else { return nil }
        let raw = UnsafeRawPointer(base + offset)
        guard let high = value8(UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))),
            let low = value8(UInt64(littleEndian: (raw + 8).loadUnaligned(as: UInt64.self)))
        else { return nil }
        return UInt64(high) << 32 | UInt64(low)
    }

    /// The value of eight hex digits loaded with the first digit in the lowest byte, or nil.
    @inline(__always)
    private static func value8(_ bytes: UInt64) -> UInt32? {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        guard bytes & highBits == 0 else { return nil }
        // For bytes under 0x80, adding 0x80 - c sets a byte's high bit exactly when it is >= c;
        // no byte carries into the next.
        func atLeast(_ bound: UInt8) -> UInt64 { (bytes &+ ones &* UInt64(0x80 - bound)) & highBits }
        let decimal = atLeast(UInt8(ascii: "0")) & ~atLeast(UInt8(ascii: "9") + 1)
        let letter = atLeast(UInt8(ascii: "a")) & ~atLeast(UInt8(ascii: "f") + 1)
        guard decimal | letter == highBits else { return nil }
        // A digit's value is its low nibble, plus 9 for a letter (bit 6 set).
        var nibbles = (bytes & 0x0F0F_0F0F_0F0F_0F0F) &+ ((bytes >> 6) & ones) &* 9
        nibbles = nibbles.byteSwapped
        nibbles = (nibbles & 0x0F00_0F00_0F00_0F00) >> 4 | (nibbles & 0x000F_000F_000F_000F)
        nibbles = (nibbles & 0x00FF_0000_00FF_0000) >> 8 | (nibbles & 0x0000_00FF_0000_00FF)
        nibbles = (nibbles & 0x0000_FFFF_0000_0000) >> 16 | (nibbles & 0x0000_0000_0000_FFFF)
        return UInt32(truncatingIfNeeded: nibbles)
    }
}
