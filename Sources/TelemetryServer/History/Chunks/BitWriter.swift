/// Appends bit fields most significant bit first, as the Gorilla encoding is defined.
struct BitWriter: Sendable {
    private(set) var bytes: [UInt8]
    /// Bits still free in the last byte (0 when a new byte is needed).
    private var free = 0

    init(bytes: [UInt8] = [], free: Int = 0) {
        self.bytes = bytes
        self.free = free
    }

    /// Bits written so far.
    var bitCount: Int { bytes.count * 8 - free }

    mutating func writeBit(_ bit: Bool) {
        if free == 0 {
            bytes.append(0)
            free = 8
        }
        free -= 1
        if bit { bytes[bytes.count - 1] |= 1 << UInt8(free) }
    }

    /// Writes the low `count` bits of `value` (count ≤ 64).
    mutating func writeBits(_ value: UInt64, count: Int) {
        var remaining = count
        while remaining > 0 {
            if free == 0 {
                bytes.append(0)
                free = 8
            }
            let taken = min(free, remaining)
            let shifted = remaining - taken
            let bits = (shifted >= 64 ? 0 : value >> UInt64(shifted)) & ((1 << UInt64(taken)) - 1)
            bytes[bytes.count - 1] |= UInt8(truncatingIfNeeded: bits << UInt64(free - taken))
            free -= taken
            remaining = shifted
        }
    }

    /// An unsigned LEB128 varint, 8 bits per group (aligned or not).
    mutating func writeVarint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            writeBits(rest & 0x7f | 0x80, count: 8)
            rest >>= 7
        }
        writeBits(rest, count: 8)
    }
}
