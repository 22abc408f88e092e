import PromQL

/// A compressed run of samples of one series, encoded as Gorilla (and Prometheus) do:
/// timestamps as delta-of-delta in variable-width buckets, values XORed with the previous
/// value so an unchanged value costs one bit.
///
/// Layout: a 2-byte sample count, then a bit stream: the first timestamp as a zigzag varint
/// and the first value's 64 bits, the second timestamp as a varint delta, then for every
/// later timestamp a delta-of-delta in one of the buckets `0`, `10`+14 bits, `110`+17,
/// `1110`+20, `1111`+64, and for every value after the first `0` (same value) or `1` followed
/// by the XOR's meaningful bits (`0`: within the previous leading/trailing window, `1`: 5 bits
/// of leading zeros, 6 bits of length, the bits).
struct XORChunk: Sendable, Equatable {
    /// Samples a chunk holds before a new one is cut (as Prometheus cuts them).
    static let capacity = 120

    /// The encoded bytes, count header included.
    let bytes: [UInt8]
    let minTime: Int64
    let maxTime: Int64

    /// Samples in the chunk, read from the header.
    var count: Int { bytes.count < 2 ? 0 : Int(bytes[0]) << 8 | Int(bytes[1]) }

    /// Appends the samples with `start ≤ time ≤ end` to `samples`.
    func decode(into samples: inout [Sample], from start: Int64 = .min, through end: Int64 = .max) {
        guard maxTime >= start, minTime <= end else { return }
        var decoder = XORChunkDecoder(bytes)
        bytes.withUnsafeBufferPointer { buffer in
            var reader = BitReader(buffer, skippingBytes: 2)
            while let sample = decoder.next(&reader) {
                if sample.time > end { break }
                if sample.time >= start { samples.append(sample) }
            }
        }
    }

    /// Every sample in the chunk.
    var samples: [Sample] {
        var result: [Sample] = []
        result.reserveCapacity(count)
        decode(into: &result)
        return result
    }
}

/// Reads a chunk's samples one by one.
struct XORChunkDecoder {
    private let total: Int
    private var read = 0
    private var time: Int64 = 0
    private var delta: Int64 = 0
    private var valueBits: UInt64 = 0
    private var leading = 0
    private var trailing = 0

    init(_ bytes: [UInt8]) {
        total = bytes.count < 2 ? 0 : Int(bytes[0]) << 8 | Int(bytes[1])
    }

    mutating func next(_ reader: inout BitReader) -> Sample? {
        guard read < total else { return nil }
        switch read {
        case 0:
            let zigzag = reader.readVarint()
            time = Int64(bitPattern: zigzag >> 1) ^ -Int64(bitPattern: zigzag & 1)
            valueBits = reader.readBits(64)
        case 1:
            delta = Int64(bitPattern: reader.readVarint())
            time &+= delta
            readValue(&reader)
        default:
            var bucket = 0
            while bucket < 4, reader.readBit() { bucket += 1 }
            let width: Int
            switch bucket {
            case 0: width = 0
            case 1: width = 14
            case 2: width = 17
            case 3: width = 20
            default: width = 64
            }
            var dod: Int64 = 0
            if width == 64 {
                dod = Int64(bitPattern: reader.readBits(64))
            } else if width > 0 {
                let raw = reader.readBits(width)
                // Sign-extend the bucket's two's-complement value.
                dod = Int64(bitPattern: raw << UInt64(64 - width)) >> Int64(64 - width)
            }
            delta &+= dod
            time &+= delta
            readValue(&reader)
        }
        guard !reader.overrun else { return nil }
        read += 1
        return Sample(time: time, value: Double(bitPattern: valueBits))
    }

    private mutating func readValue(_ reader: inout BitReader) {
        guard reader.readBit() else { return }
        if reader.readBit() {
            leading = Int(reader.readBits(5))
            var significant = Int(reader.readBits(6))
            if significant == 0 { significant = 64 }
            trailing = 64 - leading - significant
        }
        let significant = 64 - leading - trailing
        valueBits ^= reader.readBits(significant) << UInt64(trailing)
    }
}

/// Builds a chunk sample by sample; samples must come in increasing time order.
struct XORChunkAppender: Sendable {
    private var writer = BitWriter(bytes: [0, 0])
    private(set) var count = 0
    private(set) var minTime: Int64 = 0
    private(set) var lastTime: Int64 = 0
    private var delta: Int64 = 0
    private(set) var lastValue: Double = 0
    private var leading = Int.max
    private var trailing = 0

    init() {}

    /// Resumes appending to an encoded chunk (an open chunk read back from storage).
    init(resuming chunk: XORChunk) {
        for sample in chunk.samples { append(sample) }
    }

    var isFull: Bool { count >= XORChunk.capacity }

    /// The chunk as encoded so far.
    var chunk: XORChunk {
        var bytes = writer.bytes
        bytes[0] = UInt8(count >> 8)
        bytes[1] = UInt8(count & 0xff)
        return XORChunk(bytes: bytes, minTime: minTime, maxTime: lastTime)
    }

    mutating func append(_ sample: Sample) {
        switch count {
        case 0:
            let time = sample.time
            writer.writeVarint(UInt64(bitPattern: time << 1 ^ time >> 63))
            writer.writeBits(sample.value.bitPattern, count: 64)
            minTime = time
        case 1:
            delta = sample.time &- lastTime
            writer.writeVarint(UInt64(bitPattern: delta))
            writeValue(sample.value)
        default:
            let newDelta = sample.time &- lastTime
            let dod = newDelta &- delta
            if dod == 0 {
                writer.writeBit(false)
            } else if let (prefix, prefixBits, width) = Self.bucket(for: dod) {
                writer.writeBits(prefix, count: prefixBits)
                writer.writeBits(UInt64(bitPattern: dod) & ((1 << UInt64(width)) - 1), count: width)
            } else {
                writer.writeBits(0b1111, count: 4)
                writer.writeBits(UInt64(bitPattern: dod), count: 64)
            }
            delta = newDelta
            writeValue(sample.value)
        }
        lastTime = sample.time
        lastValue = sample.value
        count += 1
    }

    private static func bucket(for dod: Int64) -> (prefix: UInt64, bits: Int, width: Int)? {
        // Two's complement ranges, so the decoder sign-extends the field as it is.
        if dod >= -(1 << 13), dod < 1 << 13 { return (0b10, 2, 14) }
        if dod >= -(1 << 16), dod < 1 << 16 { return (0b110, 3, 17) }
        if dod >= -(1 << 19), dod < 1 << 19 { return (0b1110, 4, 20) }
        return nil
    }

    private mutating func writeValue(_ value: Double) {
        let xor = value.bitPattern ^ lastValue.bitPattern
        guard xor != 0 else {
            writer.writeBit(false)
            return
        }
        writer.writeBit(true)
        let newLeading = min(xor.leadingZeroBitCount, 31)
        let newTrailing = xor.trailingZeroBitCount
        if leading != .max, newLeading >= leading, newTrailing >= trailing {
            writer.writeBit(false)
            writer.writeBits(xor >> UInt64(trailing), count: 64 - leading - trailing)
            return
        }
        leading = newLeading
        trailing = newTrailing
        let significant = 64 - leading - trailing
        writer.writeBit(true)
        writer.writeBits(UInt64(leading), count: 5)
        writer.writeBits(UInt64(significant & 63), count: 6)
        writer.writeBits(xor >> UInt64(trailing), count: significant)
    }
}
