import Foundation

/// The same JSON as `object(_:)` and `value(_:)`, written straight from protobuf wire bytes
/// (`SpanWireDecoder`), without decoding the attributes into messages first.
///
/// Each function returns false where the wire data is not something it takes, and the caller
/// then leaves the whole export to the SwiftProtobuf decoder: malformed data, a string that is
/// not UTF-8, a `oneof` or a message field given twice (protobuf merges those), a key that is
/// not ASCII (Swift compares such keys by canonical equivalence, which repeated keys would
/// need), more than `maxWireEntries` attributes in one list, or values nested deeper than
/// `maxWireDepth`.
extension AttributeJSON {
    /// Most attributes in one list the wire path takes (repeated keys are found pairwise).
    static let maxWireEntries = 64
    /// Deepest nesting of arrays and key/value lists the wire path takes.
    static let maxWireDepth = 16

    /// Appends `{"key": value, …}` for the `KeyValue` messages at `entries`, in order; a
    /// repeated key keeps its last value.
    mutating func appendObject(wire entries: [Range<Int>], in reader: ProtobufCursor, depth: Int = 0, to bytes: inout [UInt8]) -> Bool {
        guard entries.count <= Self.maxWireEntries, depth <= Self.maxWireDepth else { return false }
        var pairs: [(key: Range<Int>, value: Range<Int>?)] = []
        pairs.reserveCapacity(entries.count)
        for entry in entries {
            guard let pair = Self.keyValue(entry, in: reader) else { return false }
            pairs.append(pair)
        }
        bytes.append(UInt8(ascii: "{"))
        var first = true
        for (index, pair) in pairs.enumerated() {
            let key = reader.slice(pair.key)
            let repeated = pairs[(index + 1)...].contains { later in
                later.key.count == pair.key.count && reader.slice(later.key).elementsEqual(key)
            }
            if repeated { continue }
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            appendLimited(wire: pair.key, in: reader, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
            guard appendValue(wire: pair.value, in: reader, depth: depth, to: &bytes) else { return false }
        }
        bytes.append(UInt8(ascii: "}"))
        return true
    }

    /// The key and value of the `KeyValue` message at `range`; nil when it is malformed, its
    /// value is given twice or a key is not ASCII.
    static func keyValue(_ range: Range<Int>, in reader: ProtobufCursor) -> (key: Range<Int>, value: Range<Int>?)? {
        var fields = ProtobufCursor(reader.bytes, range: range)
        var key = range.lowerBound..<range.lowerBound
        var value: Range<Int>?
        while !fields.isAtEnd {
            guard let field = try? fields.tag(asSwiftProtobufDoes: true) else { return nil }
            switch (field.field, field.wireType) {
            case (1, ProtobufCursor.WireType.lengthDelimited):
                // Every occurrence is checked: protobuf validates each, though the last wins.
                guard let payload = try? fields.lengthDelimited(), reader.isASCII(payload) else { return nil }
                key = payload
            case (2, ProtobufCursor.WireType.lengthDelimited):
                guard value == nil, let payload = try? fields.lengthDelimited() else { return nil }
                value = payload
            case (1, _), (2, _): return nil
            default: guard (try? fields.skip(field.wireType)) != nil else { return nil }
            }
        }
        return (key, value)
    }

    /// Appends the `AnyValue` message at `range` (`null` when absent or empty).
    mutating func appendValue(wire range: Range<Int>?, in reader: ProtobufCursor, depth: Int, to bytes: inout [UInt8]) -> Bool {
        guard let range else {
            bytes.append(contentsOf: "null".utf8)
            return true
        }
        var fields = ProtobufCursor(reader.bytes, range: range)
        var chosen: (field: Int, wireType: Int, start: Int)?
        while !fields.isAtEnd {
            let start = fields.index
            guard let field = try? fields.tag(asSwiftProtobufDoes: true) else { return false }
            if (1...7).contains(field.field) {
                // A oneof given twice: protobuf keeps the last or merges messages; not taken here.
                guard chosen == nil else { return false }
                chosen = (field.field, field.wireType, start)
            }
            guard (try? fields.skip(field.wireType)) != nil else { return false }
        }
        guard let chosen else {
            bytes.append(contentsOf: "null".utf8)
            return true
        }
        var value = ProtobufCursor(reader.bytes, range: chosen.start..<range.upperBound)
        _ = try? value.tag(asSwiftProtobufDoes: true)
        switch (chosen.field, chosen.wireType) {
        case (1, ProtobufCursor.WireType.lengthDelimited):
            guard let payload = try? value.lengthDelimited(), reader.isValidUTF8(payload) else { return false }
            appendLimited(wire: payload, in: reader, to: &bytes)
        case (2, ProtobufCursor.WireType.varint):
            guard let flag = try? value.varint() else { return false }
            bytes.append(contentsOf: (flag != 0 ? "true" : "false").utf8)
        case (3, ProtobufCursor.WireType.varint):
            guard let number = try? value.varint() else { return false }
            bytes.append(contentsOf: String(Int64(bitPattern: number)).utf8)
        case (4, ProtobufCursor.WireType.fixed64):
            guard let bits = try? value.fixed64() else { return false }
            let double = Double(bitPattern: bits)
            bytes.append(contentsOf: (double.isFinite ? "\(double)" : "\"\(double)\"").utf8)
        case (5, ProtobufCursor.WireType.lengthDelimited):
            guard depth < Self.maxWireDepth, let payload = try? value.lengthDelimited() else { return false }
            return appendArray(wire: payload, in: reader, depth: depth + 1, to: &bytes)
        case (6, ProtobufCursor.WireType.lengthDelimited):
            guard let payload = try? value.lengthDelimited(), let entries = Self.repeatedField(1, in: payload, of: reader) else {
                return false
            }
            return appendObject(wire: entries, in: reader, depth: depth + 1, to: &bytes)
        case (7, ProtobufCursor.WireType.lengthDelimited):
            guard let payload = try? value.lengthDelimited() else { return false }
            let maxRaw = max(3, maxValueBytes / 4 * 3)
            let data = Data(reader.slice(payload))
            if data.count > maxRaw {
                truncatedValues += 1
                Self.appendEscaped(data.prefix(maxRaw).base64EncodedString().utf8, to: &bytes)
            } else {
                Self.appendEscaped(data.base64EncodedString().utf8, to: &bytes)
            }
        default:
            return false
        }
        return true
    }

    /// Appends the `ArrayValue` message at `range` as a JSON array.
    private mutating func appendArray(wire range: Range<Int>, in reader: ProtobufCursor, depth: Int, to bytes: inout [UInt8]) -> Bool {
        var fields = ProtobufCursor(reader.bytes, range: range)
        bytes.append(UInt8(ascii: "["))
        var first = true
        while !fields.isAtEnd {
            guard let field = try? fields.tag(asSwiftProtobufDoes: true) else { return false }
            guard field.field == 1 else {
                guard (try? fields.skip(field.wireType)) != nil else { return false }
                continue
            }
            guard field.wireType == ProtobufCursor.WireType.lengthDelimited, let element = try? fields.lengthDelimited() else { return false }
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            guard appendValue(wire: element, in: reader, depth: depth, to: &bytes) else { return false }
        }
        bytes.append(UInt8(ascii: "]"))
        return true
    }

    /// The payloads of the length-delimited field `number` in the message at `range`, in
    /// order; nil when the message is malformed or the field has another wire type.
    static func repeatedField(_ number: Int, in range: Range<Int>, of reader: ProtobufCursor) -> [Range<Int>]? {
        var fields = ProtobufCursor(reader.bytes, range: range)
        var payloads: [Range<Int>] = []
        while !fields.isAtEnd {
            guard let field = try? fields.tag(asSwiftProtobufDoes: true) else { return nil }
            if field.field == number {
                guard field.wireType == ProtobufCursor.WireType.lengthDelimited, let payload = try? fields.lengthDelimited() else { return nil }
                payloads.append(payload)
            } else if (try? fields.skip(field.wireType)) == nil {
                return nil
            }
        }
        return payloads
    }

    /// Appends the UTF-8 text at `range` (already checked) as a JSON string, cut to the value
    /// limit at a character boundary.
    mutating func appendLimited(wire range: Range<Int>, in reader: ProtobufCursor, to bytes: inout [UInt8]) {
        Self.appendEscaped(reader.slice(cut(range, in: reader)), to: &bytes)
    }

    /// The UTF-8 text at `range` as a string cut to the value limit (as `limited(_:)`), or nil
    /// when it is not UTF-8.
    mutating func limited(wire range: Range<Int>, in reader: ProtobufCursor) -> String? {
        guard reader.isValidUTF8(range) else { return nil }
        return String(decoding: reader.slice(cut(range, in: reader)), as: UTF8.self)
    }

    /// `range`, or its first at most `maxValueBytes` bytes without splitting a character
    /// (counted as cut).
    private mutating func cut(_ range: Range<Int>, in reader: ProtobufCursor) -> Range<Int> {
        guard range.count > maxValueBytes else { return range }
        truncatedValues += 1
        var end = range.lowerBound + maxValueBytes
        while end > range.lowerBound, reader.bytes[end] & 0xC0 == 0x80 { end -= 1 }
        return range.lowerBound..<end
    }
}
