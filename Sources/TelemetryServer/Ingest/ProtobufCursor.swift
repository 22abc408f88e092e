/// Reads protobuf wire data field by field without building messages, every read
/// bounds-checked: the hot paths where decoding into messages costs too much (remote write,
/// whose requests carry thousands of label pairs, and `SpanWireDecoder`).
struct ProtobufCursor {
    /// Why the bytes are not well-formed wire data.
    struct Malformed: Error {
        let reason: String
    }

    /// Wire types.
    enum WireType {
        static let varint = 0
        static let fixed64 = 1
        static let lengthDelimited = 2
        static let fixed32 = 5
    }

    let bytes: UnsafeRawBufferPointer
    private(set) var index: Int
    let end: Int

    init(_ bytes: UnsafeRawBufferPointer, range: Range<Int>? = nil) {
        self.bytes = bytes
        index = range?.lowerBound ?? 0
        end = range?.upperBound ?? bytes.count
    }

    var isAtEnd: Bool { index >= end }

    /// The next field's number and wire type. `asSwiftProtobufDoes` also refuses what
    /// SwiftProtobuf refuses though the wire format allows it: a tag written in more than five
    /// bytes (even with the value of a shorter one) or a field number of 2^29 or more.
    mutating func tag(asSwiftProtobufDoes strict: Bool = false) throws(Malformed) -> (field: Int, wireType: Int) {
        let start = index
        let tag = try varint()
        guard tag >> 3 > 0, tag >> 3 <= UInt64(Int32.max) else { throw Malformed(reason: "field number 0") }
        if strict, index - start > 5 || tag >> 3 > 0x1FFF_FFFF {
            throw Malformed(reason: "tag at byte \(start) refused by SwiftProtobuf")
        }
        return (Int(tag >> 3), Int(tag & 7))
    }

    mutating func varint() throws(Malformed) -> UInt64 {
        guard let value = Varint.read(bytes, &index, limit: end) else {
            throw Malformed(reason: "truncated varint at byte \(index)")
        }
        return value
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

    mutating func fixed32() throws(Malformed) -> UInt32 {
        guard end - index >= 4 else { throw Malformed(reason: "truncated fixed32 at byte \(index)") }
        var value: UInt32 = 0
        for shift in 0..<4 { value |= UInt32(bytes[index + shift]) << UInt32(shift * 8) }
        index += 4
        return value
    }

    /// Skips a field of `wireType`.
    mutating func skip(_ wireType: Int) throws(Malformed) {
        switch wireType {
        case WireType.varint: _ = try varint()
        case WireType.fixed64: _ = try fixed64()
        case WireType.lengthDelimited: _ = try lengthDelimited()
        case WireType.fixed32: _ = try fixed32()
        default: throw Malformed(reason: "unsupported wire type \(wireType) at byte \(index)")
        }
    }

    /// The bytes in `range` (within the cursor's buffer).
    func slice(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> {
        UnsafeRawBufferPointer(rebasing: bytes[range]).assumingMemoryBound(to: UInt8.self)
    }

    /// Whether every byte of `range` is ASCII (checked eight at a time).
    func isASCII(_ range: Range<Int>) -> Bool {
        guard let base = bytes.baseAddress else { return range.isEmpty }
        var index = range.lowerBound
        while index + 8 <= range.upperBound {
            if base.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
            index += 8
        }
        while index < range.upperBound {
            if bytes[index] >= 0x80 { return false }
            index += 1
        }
        return true
    }

    /// Whether `range` is valid UTF-8 (what protobuf requires of a string).
    func isValidUTF8(_ range: Range<Int>) -> Bool {
        isASCII(range) || String(validating: slice(range), as: UTF8.self) != nil
    }

    /// The UTF-8 text in `range`, or nil when it is not valid UTF-8.
    func string(_ range: Range<Int>) -> String? {
        // Label names and values are nearly always ASCII: checked without the validator.
        if isASCII(range) { return String(decoding: slice(range), as: UTF8.self) }
        return String(validating: slice(range), as: UTF8.self)
    }
}
