/// Reads bit fields most significant bit first. Reading past the end yields zero bits and
/// sets `overrun`, so a damaged chunk ends early instead of trapping.
struct BitReader {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0
    private(set) var overrun = false

    init(_ bytes: UnsafeBufferPointer<UInt8>, skippingBytes: Int = 0) {
        self.bytes = bytes
        position = skippingBytes * 8
    }

    mutating func readBit() -> Bool {
        let index = position >> 3
        guard index < bytes.count else {
            overrun = true
            return false
        }
        let bit = bytes[index] >> UInt8(7 - position & 7) & 1
        position += 1
        return bit == 1
    }

    /// Reads `count` bits (≤ 64) as an unsigned number.
    mutating func readBits(_ count: Int) -> UInt64 {
        // Fast path: the bits lie within one unaligned 8-byte big-endian load.
        let index = position >> 3, offset = position & 7
        if count > 0, offset + count <= 64, index + 8 <= bytes.count, let base = bytes.baseAddress {
            let window = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self).bigEndian
            position += count
            return (window << UInt64(offset)) >> UInt64(64 - count)
        }
        return readBitsSlowly(count)
    }

    private mutating func readBitsSlowly(_ count: Int) -> UInt64 {
        var result: UInt64 = 0
        var remaining = count
        while remaining > 0 {
            let index = position >> 3
            guard index < bytes.count else {
                overrun = true
                return result << UInt64(remaining)
            }
            let available = 8 - position & 7
            let taken = min(available, remaining)
            let bits = UInt64(bytes[index] >> UInt8(available - taken)) & ((1 << UInt64(taken)) - 1)
            result = taken == 64 ? bits : result << UInt64(taken) | bits
            position += taken
            remaining -= taken
        }
        return result
    }

    mutating func readVarint() -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while shift < 64 {
            let group = readBits(8)
            result |= (group & 0x7f) << shift
            if group & 0x80 == 0 || overrun { break }
            shift += 7
        }
        return result
    }
}
