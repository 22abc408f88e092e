import Foundation
import OTLP

/// Turns a protobuf trace export straight into rows, the same rows, rejections and truncation
/// count `SpanConverter.convert` makes from the decoded message, without building the message.
///
/// Decoding into SwiftProtobuf's types was about a fifth of the server's CPU under OTLP load
/// (a storage object per span, an array and an enum per attribute, a string per key and value,
/// generic code run unspecialised), and every attribute was then read again to write its JSON.
/// Here the wire bytes are read once and the JSON written from them.
///
/// It takes what well-behaved exporters send. Anything else returns nil, and the export goes
/// the SwiftProtobuf way, which decides (an error, or the lenient decoder): malformed data, a
/// string that is not UTF-8, a message field given twice (protobuf merges them), and what
/// `AttributeJSON`'s wire path leaves (see there). `FuzzOTLPProtobuf` checks that whatever it
/// takes decodes strictly too, to the same result.
enum SpanWireDecoder {
    /// The rows of the export in `body`, or nil when it is not one this decoder takes.
    static func convert(_ body: some OTLPRequestBody, receivedAt: UInt64, maxValueBytes: Int) -> SpanConverter.Result? {
        body.withUnsafeBytes { bytes in
            var decoding = Decoding(reader: ProtobufCursor(bytes), receivedAt: receivedAt, maxValueBytes: maxValueBytes)
            guard decoding.request() else { return nil }
            decoding.result.truncatedValues = decoding.json.truncatedValues
            return decoding.result
        }
    }

    private struct Decoding {
        let reader: ProtobufCursor
        let receivedAt: UInt64
        var json: AttributeJSON
        var result = SpanConverter.Result()

        init(reader: ProtobufCursor, receivedAt: UInt64, maxValueBytes: Int) {
            self.reader = reader
            self.receivedAt = receivedAt
            json = AttributeJSON(maxValueBytes: maxValueBytes)
        }

        /// `ExportTraceServiceRequest`: `resource_spans` (1).
        mutating func request() -> Bool {
            guard let entries = AttributeJSON.repeatedField(1, in: 0..<reader.end, of: reader) else { return false }
            for entry in entries {
                guard resourceSpans(entry) else { return false }
            }
            return true
        }

        /// `ResourceSpans`: `resource` (1), `scope_spans` (2), `schema_url` (3).
        mutating func resourceSpans(_ range: Range<Int>) -> Bool {
            guard case let (resource, scopes)? = container(range) else { return false }
            // `Resource`: `attributes` (1), `dropped_attributes_count` (2).
            var attributes: [Range<Int>] = []
            if let resource {
                var fields = ProtobufCursor(reader.bytes, range: resource)
                while !fields.isAtEnd {
                    guard let field = try? fields.tag(asSwiftProtobufDoes: true) else { return false }
                    switch (field.field, field.wireType) {
                    case (1, ProtobufCursor.WireType.lengthDelimited):
                        guard let payload = try? fields.lengthDelimited() else { return false }
                        attributes.append(payload)
                    case (2, ProtobufCursor.WireType.varint): guard (try? fields.varint()) != nil else { return false }
                    case (1...2, _): return false
                    default: guard (try? fields.skip(field.wireType)) != nil else { return false }
                    }
                }
            }
            guard let serviceName = serviceName(attributes) else { return false }
            let service = json.limited(serviceName)
            var resourceJSON: [UInt8] = []
            guard json.appendObject(wire: attributes, in: reader, to: &resourceJSON) else { return false }
            let resourceText = String(decoding: resourceJSON, as: UTF8.self)
            for scope in scopes {
                guard scopeSpans(scope, service: service, resource: resourceText) else { return false }
            }
            return true
        }

        /// `ResourceSpans` and `ScopeSpans` share one shape: a message (1) given at most once, a
        /// repeated message (2), `schema_url` (3). The payloads of 1 and 2, or nil when the
        /// message is not as exporters send it.
        func container(_ range: Range<Int>) -> (single: Range<Int>?, items: [Range<Int>])? {
            var fields = ProtobufCursor(reader.bytes, range: range)
            var single: Range<Int>?
            var items: [Range<Int>] = []
            while !fields.isAtEnd {
                guard let field = try? fields.tag(asSwiftProtobufDoes: true) else { return nil }
                switch (field.field, field.wireType) {
                case (1, ProtobufCursor.WireType.lengthDelimited):
                    guard single == nil, let payload = try? fields.lengthDelimited() else { return nil }
                    single = payload
                case (2, ProtobufCursor.WireType.lengthDelimited):
                    guard let payload = try? fields.lengthDelimited() else { return nil }
                    items.append(payload)
                case (3, ProtobufCursor.WireType.lengthDelimited):
                    guard let payload = try? fields.lengthDelimited(), reader.isValidUTF8(payload) else { return nil }
                case (1...3, _): return nil
                default: guard (try? fields.skip(field.wireType)) != nil else { return nil }
                }
            }
            return (single, items)
        }

        /// The first non-empty string `service.name` among `attributes` (`ServiceName.of`).
        func serviceName(_ attributes: [Range<Int>]) -> String? {
            let wanted = Array("service.name".utf8)
            for entry in attributes {
                guard let (key, value) = AttributeJSON.keyValue(entry, in: reader) else { return nil }
                guard reader.slice(key).elementsEqual(wanted), let value else { continue }
                var fields = ProtobufCursor(reader.bytes, range: value)
                var text: Range<Int>?
                var others = 0
                while !fields.isAtEnd {
                    guard let field = try? fields.tag(asSwiftProtobufDoes: true) else { return nil }
                    if field.field == 1, field.wireType == ProtobufCursor.WireType.lengthDelimited {
                        guard let payload = try? fields.lengthDelimited() else { return nil }
                        text = payload
                    } else {
                        if (1...7).contains(field.field) { others += 1 }
                        guard (try? fields.skip(field.wireType)) != nil else { return nil }
                    }
                }
                // Several values in one `oneof` are left to the SwiftProtobuf path.
                if others > 0, text != nil { return nil }
                if others == 0, let text, !text.isEmpty { return reader.string(text) }
            }
            return "unknown_service"
        }

        /// `ScopeSpans`: `scope` (1), `spans` (2), `schema_url` (3).
        mutating func scopeSpans(_ range: Range<Int>, service: String, resource: String) -> Bool {
            guard case let (scopeRange, spans)? = container(range) else { return false }
            // `InstrumentationScope`: `name` (1), `version` (2), `attributes` (3), `dropped_attributes_count` (4).
            var scope = ScopeFields()
            if let scopeRange {
                var fields = ProtobufCursor(reader.bytes, range: scopeRange)
                while !fields.isAtEnd {
                    guard let field = try? fields.tag(asSwiftProtobufDoes: true) else { return false }
                    switch (field.field, field.wireType) {
                    case (1, ProtobufCursor.WireType.lengthDelimited), (2, ProtobufCursor.WireType.lengthDelimited):
                        guard let payload = try? fields.lengthDelimited(), reader.isValidUTF8(payload) else { return false }
                        if field.field == 1 { scope.name = payload } else { scope.version = payload }
                    case (3, ProtobufCursor.WireType.lengthDelimited):
                        guard let payload = try? fields.lengthDelimited() else { return false }
                        scope.attributes.append(payload)
                    case (4, ProtobufCursor.WireType.varint): guard (try? fields.varint()) != nil else { return false }
                    case (1...4, _): return false
                    default: guard (try? fields.skip(field.wireType)) != nil else { return false }
                    }
                }
            }
            var scopeJSON: [UInt8] = []
            guard json.appendObject(wire: scope.attributes, in: reader, to: &scopeJSON) else { return false }
            let context = ScopeContext(
                service: service, resource: resource, scope: scope, scopeAttributes: String(decoding: scopeJSON, as: UTF8.self))
            for span in spans {
                var fields = SpanWireFields()
                guard fields.read(span, reader) else { return false }
                let truncatedBefore = json.truncatedValues
                guard let row = row(fields, context) else { return false }
                if let problem = SpanConverter.problem(
                    traceID: row.traceID, spanID: row.spanID, parentSpanIDCount: fields.parentSpanID?.count ?? 0,
                    name: reader.string(fields.name) ?? "")
                {
                    // A rejected span's values are checked, not stored: its cuts are not counted.
                    json.truncatedValues = truncatedBefore
                    result.rejections.add(problem)
                    continue
                }
                result.rows.append(row)
            }
            return true
        }

        /// The row for a span, or nil when a value is not something this decoder takes.
        mutating func row(_ span: SpanWireFields, _ context: ScopeContext) -> SpanRow? {
            guard let traceState = json.limited(wire: span.traceState, in: reader),
                let name = json.limited(wire: span.name, in: reader),
                let statusMessage = json.limited(wire: span.statusMessage, in: reader)
            else { return nil }
            var attributes: [UInt8] = []
            attributes.reserveCapacity(span.attributes.count * 40 + 2)
            guard json.appendObject(wire: span.attributes, in: reader, to: &attributes),
                let events = events(span.events), let links = links(span.links),
                let scopeName = json.limited(wire: context.scope.name, in: reader),
                let scopeVersion = json.limited(wire: context.scope.version, in: reader)
            else { return nil }
            return SpanRow(
                traceID: Data(reader.slice(span.traceID)),
                spanID: Data(reader.slice(span.spanID)),
                parentSpanID: span.parentSpanID.flatMap { $0.isEmpty ? nil : Data(reader.slice($0)) },
                traceState: traceState, flags: span.flags, serviceName: context.service, name: name, kind: span.kind,
                startUnixNano: span.start, endUnixNano: span.end, statusCode: span.statusCode, statusMessage: statusMessage,
                attributes: String(decoding: attributes, as: UTF8.self), droppedAttributesCount: span.droppedAttributes,
                events: events, droppedEventsCount: span.droppedEvents, links: links, droppedLinksCount: span.droppedLinks,
                resourceAttributes: context.resource, scopeName: scopeName, scopeVersion: scopeVersion,
                scopeAttributes: context.scopeAttributes, receivedUnixNano: receivedAt)
        }

        /// `[{"timeUnixNano":…,"name":…,"attributes":{…},"droppedAttributesCount":…}, …]`
        /// from `Span.Event`s: `time_unix_nano` (1), `name` (2), `attributes` (3),
        /// `dropped_attributes_count` (4).
        mutating func events(_ entries: [Range<Int>]) -> String? {
            var bytes: [UInt8] = [UInt8(ascii: "[")]
            for (index, entry) in entries.enumerated() {
                var fields = ProtobufCursor(reader.bytes, range: entry)
                var time: UInt64 = 0
                var name = entry.lowerBound..<entry.lowerBound
                var attributes: [Range<Int>] = []
                var dropped: UInt32 = 0
                while !fields.isAtEnd {
                    guard let field = try? fields.tag(asSwiftProtobufDoes: true) else { return nil }
                    switch (field.field, field.wireType) {
                    case (1, ProtobufCursor.WireType.fixed64): guard let value = try? fields.fixed64() else { return nil }; time = value
                    case (2, ProtobufCursor.WireType.lengthDelimited):
                        guard let payload = try? fields.lengthDelimited(), reader.isValidUTF8(payload) else { return nil }
                        name = payload
                    case (3, ProtobufCursor.WireType.lengthDelimited):
                        guard let payload = try? fields.lengthDelimited() else { return nil }
                        attributes.append(payload)
                    case (4, ProtobufCursor.WireType.varint): guard let value = try? fields.varint() else { return nil }; dropped = UInt32(truncatingIfNeeded: value)
                    case (1...4, _): return nil
                    default: guard (try? fields.skip(field.wireType)) != nil else { return nil }
                    }
                }
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                bytes += Array("{\"timeUnixNano\":\(time),\"name\":".utf8)
                json.appendLimited(wire: name, in: reader, to: &bytes)
                bytes += Array(",\"attributes\":".utf8)
                guard json.appendObject(wire: attributes, in: reader, to: &bytes) else { return nil }
                bytes += Array(",\"droppedAttributesCount\":\(dropped)}".utf8)
            }
            bytes.append(UInt8(ascii: "]"))
            return String(decoding: bytes, as: UTF8.self)
        }

        /// `[{"traceId":…,"spanId":…,"traceState":…,"flags":…,"attributes":{…},
        /// "droppedAttributesCount":…}, …]` from `Span.Link`s: `trace_id` (1), `span_id` (2),
        /// `trace_state` (3), `attributes` (4), `dropped_attributes_count` (5), `flags` (6).
        mutating func links(_ entries: [Range<Int>]) -> String? {
            var bytes: [UInt8] = [UInt8(ascii: "[")]
            for (index, entry) in entries.enumerated() {
                var fields = ProtobufCursor(reader.bytes, range: entry)
                let empty = entry.lowerBound..<entry.lowerBound
                var traceID = empty, spanID = empty, traceState = empty
                var attributes: [Range<Int>] = []
                var dropped: UInt32 = 0
                var flags: UInt32 = 0
                while !fields.isAtEnd {
                    guard let field = try? fields.tag(asSwiftProtobufDoes: true) else { return nil }
                    switch (field.field, field.wireType) {
                    case (1, ProtobufCursor.WireType.lengthDelimited): guard let payload = try? fields.lengthDelimited() else { return nil }; traceID = payload
                    case (2, ProtobufCursor.WireType.lengthDelimited): guard let payload = try? fields.lengthDelimited() else { return nil }; spanID = payload
                    case (3, ProtobufCursor.WireType.lengthDelimited):
                        guard let payload = try? fields.lengthDelimited(), reader.isValidUTF8(payload) else { return nil }
                        traceState = payload
                    case (4, ProtobufCursor.WireType.lengthDelimited):
                        guard let payload = try? fields.lengthDelimited() else { return nil }
                        attributes.append(payload)
                    case (5, ProtobufCursor.WireType.varint): guard let value = try? fields.varint() else { return nil }; dropped = UInt32(truncatingIfNeeded: value)
                    case (6, ProtobufCursor.WireType.fixed32): guard let value = try? fields.fixed32() else { return nil }; flags = value
                    case (1...6, _): return nil
                    default: guard (try? fields.skip(field.wireType)) != nil else { return nil }
                    }
                }
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                let ids = "{\"traceId\":\"\(Hex.encode(reader.slice(traceID)))\",\"spanId\":\"\(Hex.encode(reader.slice(spanID)))\","
                bytes += Array(ids.utf8)
                bytes += Array("\"traceState\":".utf8)
                json.appendLimited(wire: traceState, in: reader, to: &bytes)
                bytes += Array(",\"flags\":\(flags),\"attributes\":".utf8)
                guard json.appendObject(wire: attributes, in: reader, to: &bytes) else { return nil }
                bytes += Array(",\"droppedAttributesCount\":\(dropped)}".utf8)
            }
            bytes.append(UInt8(ascii: "]"))
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// An `InstrumentationScope`'s fields, as ranges of the body.
    struct ScopeFields {
        var name = 0..<0
        var version = 0..<0
        var attributes: [Range<Int>] = []
    }

    /// What every span of one scope shares.
    struct ScopeContext {
        let service: String
        let resource: String
        let scope: ScopeFields
        let scopeAttributes: String
    }
}
