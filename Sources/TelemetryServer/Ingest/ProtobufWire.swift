/// Splits protobuf wire bytes into their top-level fields without decoding them, so that a
/// message that fails to decode as a whole can be taken apart and decoded piece by piece.
enum ProtobufWire {
    /// One field as it appears on the wire.
    struct Field {
        /// The field number.
        var number: Int
        /// All bytes of the field: tag, length prefix and payload.
        var whole: Range<Int>
        /// The payload of a length-delimited field (wire type 2); nil for other wire types.
        var payload: Range<Int>?
    }

    /// The fields of `bytes`, or nil when they are not well-formed wire data (a truncated
    /// varint or length, or a group wire type, which OTLP never uses).
    static func fields(_ bytes: [UInt8], in range: Range<Int>) -> [Field]? {
        var fields: [Field] = []
        var index = range.lowerBound
        while index < range.upperBound {
            let start = index
            guard let tag = Varint.read(bytes, &index, limit: range.upperBound) else { return nil }
            let number = Int(tag >> 3)
            guard number > 0 else { return nil }
            var payload: Range<Int>?
            switch tag & 7 {
            case 0:
                guard Varint.read(bytes, &index, limit: range.upperBound) != nil else { return nil }
            case 1:
                index += 8
            case 2:
                guard let length = Varint.read(bytes, &index, limit: range.upperBound),
                    length <= UInt64(range.upperBound - index)
                else { return nil }
                payload = index..<(index + Int(length))
                index += Int(length)
            case 5:
                index += 4
            default:
                return nil
            }
            guard index <= range.upperBound else { return nil }
            fields.append(Field(number: number, whole: start..<index, payload: payload))
        }
        return fields
    }

    /// The bytes of `range` without the fields numbered `number`.
    static func removing(_ number: Int, from bytes: [UInt8], fields: [Field]) -> [UInt8] {
        var kept: [UInt8] = []
        for field in fields where field.number != number { kept += bytes[field.whole] }
        return kept
    }
}
