/// Unsigned LEB128 varints, as protobuf writes them: the OTLP wire splitter, `ProtobufCursor`
/// (remote write, spans), and the metric history's own records share these.
enum Varint {
    /// Appends `value` to `bytes`.
    static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(rest & 0x7f) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    /// Reads a varint at `index` (before `limit`), moving past it; nil when it is truncated or
    /// longer than 64 bits.
    static func read<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, _ index: inout Int, limit: Int) -> UInt64?
    where Bytes.Index == Int {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while index < limit, shift < 64 {
            let byte = bytes[index]
            index += 1
            value |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        return nil
    }
}
