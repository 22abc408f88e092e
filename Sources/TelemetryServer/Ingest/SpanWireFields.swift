/// One `Span` message's fields as `SpanWireDecoder` reads them: numbers decoded, strings
/// checked to be UTF-8, bytes, strings and nested messages left in place as ranges of the body.
struct SpanWireFields {
    var traceID = 0..<0
    var spanID = 0..<0
    var traceState = 0..<0
    /// nil when absent (empty when present but empty).
    var parentSpanID: Range<Int>?
    var flags: UInt32 = 0
    var name = 0..<0
    var kind = 0
    var start: UInt64 = 0
    var end: UInt64 = 0
    var attributes: [Range<Int>] = []
    var droppedAttributes: UInt32 = 0
    var events: [Range<Int>] = []
    var droppedEvents: UInt32 = 0
    var links: [Range<Int>] = []
    var droppedLinks: UInt32 = 0
    var statusMessage = 0..<0
    var statusCode = 0

    /// Reads the `Span` at `range`; false when it is malformed, a string is not UTF-8, a
    /// known field has another wire type, or `status` is given twice (protobuf merges it).
    mutating func read(_ range: Range<Int>, _ reader: ProtobufCursor) -> Bool {
        var fields = ProtobufCursor(reader.bytes, range: range)
        var sawStatus = false
        while !fields.isAtEnd {
            guard let field = try? fields.tag(asSwiftProtobufDoes: true) else { return false }
            switch (field.field, field.wireType) {
            case (1, ProtobufCursor.WireType.lengthDelimited), (2, ProtobufCursor.WireType.lengthDelimited), (4, ProtobufCursor.WireType.lengthDelimited):
                guard let payload = try? fields.lengthDelimited() else { return false }
                switch field.field {
                case 1: traceID = payload
                case 2: spanID = payload
                default: parentSpanID = payload
                }
            case (3, ProtobufCursor.WireType.lengthDelimited), (5, ProtobufCursor.WireType.lengthDelimited):
                guard let payload = try? fields.lengthDelimited(), reader.isValidUTF8(payload) else { return false }
                if field.field == 3 { traceState = payload } else { name = payload }
            case (6, ProtobufCursor.WireType.varint):
                guard let value = try? fields.varint() else { return false }
                kind = Int(Int32(truncatingIfNeeded: value))
            case (7, ProtobufCursor.WireType.fixed64), (8, ProtobufCursor.WireType.fixed64):
                guard let value = try? fields.fixed64() else { return false }
                if field.field == 7 { start = value } else { end = value }
            case (9, ProtobufCursor.WireType.lengthDelimited), (11, ProtobufCursor.WireType.lengthDelimited), (13, ProtobufCursor.WireType.lengthDelimited):
                guard let payload = try? fields.lengthDelimited() else { return false }
                switch field.field {
                case 9: attributes.append(payload)
                case 11: events.append(payload)
                default: links.append(payload)
                }
            case (10, ProtobufCursor.WireType.varint), (12, ProtobufCursor.WireType.varint), (14, ProtobufCursor.WireType.varint):
                guard let value = try? fields.varint() else { return false }
                let count = UInt32(truncatingIfNeeded: value)
                switch field.field {
                case 10: droppedAttributes = count
                case 12: droppedEvents = count
                default: droppedLinks = count
                }
            case (15, ProtobufCursor.WireType.lengthDelimited):
                guard !sawStatus, let payload = try? fields.lengthDelimited(), readStatus(payload, reader) else { return false }
                sawStatus = true
            case (16, ProtobufCursor.WireType.fixed32):
                guard let value = try? fields.fixed32() else { return false }
                flags = value
            case (1...16, _): return false
            default: guard (try? fields.skip(field.wireType)) != nil else { return false }
            }
        }
        return true
    }

    /// `Status`: `message` (2), `code` (3).
    private mutating func readStatus(_ range: Range<Int>, _ reader: ProtobufCursor) -> Bool {
        var fields = ProtobufCursor(reader.bytes, range: range)
        while !fields.isAtEnd {
            guard let field = try? fields.tag(asSwiftProtobufDoes: true) else { return false }
            switch (field.field, field.wireType) {
            case (2, ProtobufCursor.WireType.lengthDelimited):
                guard let payload = try? fields.lengthDelimited(), reader.isValidUTF8(payload) else { return false }
                statusMessage = payload
            case (3, ProtobufCursor.WireType.varint):
                guard let value = try? fields.varint() else { return false }
                statusCode = Int(Int32(truncatingIfNeeded: value))
            case (2...3, _): return false
            default: guard (try? fields.skip(field.wireType)) != nil else { return false }
            }
        }
        return true
    }
}
