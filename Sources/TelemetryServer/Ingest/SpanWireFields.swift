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
    mutating func read(_ range: Range<Int>, _ reader: WireReader) -> Bool {
        var fields = WireReader(reader.buffer, range)
        var sawStatus = false
        while !fields.isAtEnd {
            guard let field = fields.field() else { return false }
            switch (field.number, field.type) {
            case (1, WireReader.lengthDelimited), (2, WireReader.lengthDelimited), (4, WireReader.lengthDelimited):
                guard let payload = fields.lengthDelimited() else { return false }
                switch field.number {
                case 1: traceID = payload
                case 2: spanID = payload
                default: parentSpanID = payload
                }
            case (3, WireReader.lengthDelimited), (5, WireReader.lengthDelimited):
                guard let payload = fields.lengthDelimited(), reader.isValidUTF8(payload) else { return false }
                if field.number == 3 { traceState = payload } else { name = payload }
            case (6, WireReader.varint):
                guard let value = fields.varint() else { return false }
                kind = Int(Int32(truncatingIfNeeded: value))
            case (7, WireReader.fixed64), (8, WireReader.fixed64):
                guard let value = fields.fixed64() else { return false }
                if field.number == 7 { start = value } else { end = value }
            case (9, WireReader.lengthDelimited), (11, WireReader.lengthDelimited), (13, WireReader.lengthDelimited):
                guard let payload = fields.lengthDelimited() else { return false }
                switch field.number {
                case 9: attributes.append(payload)
                case 11: events.append(payload)
                default: links.append(payload)
                }
            case (10, WireReader.varint), (12, WireReader.varint), (14, WireReader.varint):
                guard let value = fields.varint() else { return false }
                let count = UInt32(truncatingIfNeeded: value)
                switch field.number {
                case 10: droppedAttributes = count
                case 12: droppedEvents = count
                default: droppedLinks = count
                }
            case (15, WireReader.lengthDelimited):
                guard !sawStatus, let payload = fields.lengthDelimited(), readStatus(payload, reader) else { return false }
                sawStatus = true
            case (16, WireReader.fixed32):
                guard let value = fields.fixed32() else { return false }
                flags = value
            case (1...16, _): return false
            default: guard fields.skip(field.type) else { return false }
            }
        }
        return true
    }

    /// `Status`: `message` (2), `code` (3).
    private mutating func readStatus(_ range: Range<Int>, _ reader: WireReader) -> Bool {
        var fields = WireReader(reader.buffer, range)
        while !fields.isAtEnd {
            guard let field = fields.field() else { return false }
            switch (field.number, field.type) {
            case (2, WireReader.lengthDelimited):
                guard let payload = fields.lengthDelimited(), reader.isValidUTF8(payload) else { return false }
                statusMessage = payload
            case (3, WireReader.varint):
                guard let value = fields.varint() else { return false }
                statusCode = Int(Int32(truncatingIfNeeded: value))
            case (2...3, _): return false
            default: guard fields.skip(field.type) else { return false }
            }
        }
        return true
    }
}
