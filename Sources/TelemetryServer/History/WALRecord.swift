import PromQL

/// Samples appended to the history since the last checkpoint, as one `wal` row per append:
/// for each sample a varint series id, a zigzag varint time in milliseconds and the value's
/// 8 bytes (little-endian, so staleness markers keep their bit pattern).
struct WALRecord: Sendable {
    private(set) var bytes: [UInt8] = []
    private(set) var count = 0

    init() {}

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func append(series: Int64, _ sample: Sample) {
        Varint.append(UInt64(bitPattern: series), to: &bytes)
        Varint.append(UInt64(bitPattern: sample.time << 1 ^ sample.time >> 63), to: &bytes)
        var bits = sample.value.bitPattern
        for _ in 0..<8 {
            bytes.append(UInt8(truncatingIfNeeded: bits))
            bits >>= 8
        }
        count += 1
    }

    /// Calls `body` for each sample; stops at the first damaged entry.
    func forEach(_ body: (_ series: Int64, _ sample: Sample) -> Void) {
        var index = 0
        while index < bytes.count {
            guard let series = Varint.read(bytes, &index, limit: bytes.count),
                let zigzag = Varint.read(bytes, &index, limit: bytes.count), bytes.count - index >= 8 else { return }
            var bits: UInt64 = 0
            for shift in 0..<8 { bits |= UInt64(bytes[index + shift]) << UInt64(shift * 8) }
            index += 8
            let time = Int64(bitPattern: zigzag >> 1) ^ -Int64(bitPattern: zigzag & 1)
            body(Int64(bitPattern: series), Sample(time: time, value: Double(bitPattern: bits)))
        }
    }
}
