/// Reads protobuf wire data field by field without building messages: the remote-write
/// receiver's hot path, where every request carries thousands of label pairs.
struct ProtobufCursor {
    /// Why the bytes are not well-formed wire data.
    struct Malformed: Error {
        let reason: String
    }

    private let bytes: UnsafeRawBufferPointer
    private(set) var index: Int
    private let end: Int

    init(_ bytes: UnsafeRawBufferPointer, range: Range<Int>? = nil) {
        self.bytes = bytes
        index = range?.lowerBound ?? 0
        end = range?.upperBound ?? bytes.count
    }

    var isAtEnd: Bool { index >= end }

    /// The next field's number and wire type.
    mutating func tag() throws(Malformed) -> (field: Int, wireType: Int) {
        let tag = try varint()
        guard tag >> 3 > 0, tag >> 3 <= UInt64(Int32.max) else { throw Malformed(reason: "field number 0") }
        return (Int(tag >> 3), Int(tag & 7))
    }

    mutating func varint() throws(Malformed) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while index < end, shift < 64 {
            let byte = bytes[index]
            index += 1
            value |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        throw Malformed(reason: "truncated varint at byte \(index)")
    }

    /// The range of a length-delimited field's payload; the cursor moves past it.
    mutating func lengthDelimited() throws(Malformed) -> Range<Int> {
        let length = try varint()
        guard length <= UInt64(end - index) else { throw Malformed(reason: "length \(length) past the end at byte \(index)") }
        defer { index += Int(length) }
        return index..<(index + Int(length))
    }

    mutating func fixed64() throws(Malformed) -> UInt64 {
        guard end - index >= 8 else { throw Malformed(reason: "truncated fixed64 at byte \(index)") }
        var value: UInt64 = 0
        for shift in 0..<8 { value |= UInt64(bytes[index + shift]) << UInt64(shift * 8) }
        index += 8
        return value
    }

    /// Skips a field of `wireType`.
    mutating func skip(_ wireType: Int) throws(Malformed) {
        switch wireType {
        case 0: _ = try varint()
        case 1: _ = try fixed64()
        case 2: _ = try lengthDelimited()
        case 5:
            guard end - index >= 4 else { throw Malformed(reason: "truncated fixed32 at byte \(index)") }
            index += 4
        default: throw Malformed(reason: "unsupported wire type \(wireType) at byte \(index)")
        }
    }

    /// The UTF-8 text in `range`, or nil when it is not valid UTF-8.
    func string(_ range: Range<Int>) -> String? {
        let text = UnsafeRawBufferPointer(rebasing: bytes[range])
        // Label names and values are nearly always ASCII: checked in one pass, no validator.
        var ascii = true
        for byte in text where byte >= 0x80 {
            ascii = false
            break
        }
        if ascii { return String(decoding: text, as: UTF8.self) }
        return String(validating: text, as: UTF8.self)
    }
}
