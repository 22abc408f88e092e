/// Reads protobuf wire data in place, one field at a time, every read bounds-checked: a
/// truncated or malformed input makes a read return nil, never a read past the end.
///
/// Only what OTLP uses: varints, fixed 32- and 64-bit values and length-delimited fields;
/// groups (wire types 3 and 4) and field number 0 count as malformed here.
struct WireReader {
    /// Wire types.
    static let varint: UInt8 = 0
    static let fixed64: UInt8 = 1
    static let lengthDelimited: UInt8 = 2
    static let fixed32: UInt8 = 5

    let buffer: UnsafeBufferPointer<UInt8>
    private(set) var position: Int
    let end: Int

    /// A reader of `range` of `buffer` (which must lie within it).
    init(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) {
        self.buffer = buffer
        position = range.lowerBound
        end = range.upperBound
    }

    var isAtEnd: Bool { position >= end }

    /// The next field's number and wire type, or nil when the tag is malformed (SwiftProtobuf
    /// also refuses a tag written in more than five bytes, even with the same value).
    mutating func field() -> (number: Int, type: UInt8)? {
        let start = position
        guard let tag = varint(), position - start <= 5, tag >> 3 > 0, tag >> 3 <= 0x1FFF_FFFF else { return nil }
        let type = UInt8(tag & 7)
        guard type != 3, type != 4, type <= 5 else { return nil }
        return (Int(tag >> 3), type)
    }

    /// A varint of at most ten bytes.
    mutating func varint() -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while position < end, shift < 70 {
            let byte = buffer[position]
            position += 1
            value |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        return nil
    }

    /// A little-endian 64-bit value.
    mutating func fixed64() -> UInt64? {
        guard end - position >= 8 else { return nil }
        var value: UInt64 = 0
        for offset in 0..<8 { value |= UInt64(buffer[position + offset]) << (8 * UInt64(offset)) }
        position += 8
        return value
    }

    /// A little-endian 32-bit value.
    mutating func fixed32() -> UInt32? {
        guard end - position >= 4 else { return nil }
        var value: UInt32 = 0
        for offset in 0..<4 { value |= UInt32(buffer[position + offset]) << (8 * UInt32(offset)) }
        position += 4
        return value
    }

    /// The payload of a length-delimited field.
    mutating func lengthDelimited() -> Range<Int>? {
        guard let length = varint(), length <= UInt64(end - position) else { return nil }
        let start = position
        position += Int(length)
        return start..<position
    }

    /// Moves past a field's value of wire type `type`; false when it is malformed.
    mutating func skip(_ type: UInt8) -> Bool {
        switch type {
        case Self.varint: return varint() != nil
        case Self.fixed64: return fixed64() != nil
        case Self.lengthDelimited: return lengthDelimited() != nil
        case Self.fixed32: return fixed32() != nil
        default: return false
        }
    }

    /// Whether `range` of the buffer is valid UTF-8 (what protobuf requires of a string).
    func isValidUTF8(_ range: Range<Int>) -> Bool {
        let bytes = UnsafeBufferPointer(rebasing: buffer[range])
        if isASCII(range) { return true }
        return String(validating: bytes, as: UTF8.self) != nil
    }

    /// Whether every byte of `range` is ASCII.
    func isASCII(_ range: Range<Int>) -> Bool {
        guard let base = buffer.baseAddress else { return range.isEmpty }
        var index = range.lowerBound
        while index + 8 <= range.upperBound {
            let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            if word & 0x8080_8080_8080_8080 != 0 { return false }
            index += 8
        }
        while index < range.upperBound {
            if buffer[index] >= 0x80 { return false }
            index += 1
        }
        return true
    }

    /// The string in `range`, or nil when it is not valid UTF-8.
    func string(_ range: Range<Int>) -> String? {
        String(validating: UnsafeBufferPointer(rebasing: buffer[range]), as: UTF8.self)
    }
}
