import SwiftProtobuf

/// Decodes an OTLP export whose strict decoding failed (most often one string that is not
/// valid UTF-8, which protobuf rejects), keeping every item that decodes on its own.
///
/// Every OTLP export has the same three levels: the request holds resource entries (field 1),
/// a resource entry holds scope entries (field 2) beside its own fields, a scope entry holds
/// items (field 2: spans, metrics, log records) beside its own. Each level is decoded whole
/// when it can be; when it cannot, its own fields are decoded without the children and the
/// children one by one. An item that still fails is rejected; when a resource's or scope's own
/// fields fail, all items under it are rejected.
struct LenientDecoder<Request: Message, ResourceEntry: Message, ScopeEntry: Message, Item: Message> {
    let resources: WritableKeyPath<Request, [ResourceEntry]>
    let scopes: WritableKeyPath<ResourceEntry, [ScopeEntry]>
    let items: WritableKeyPath<ScopeEntry, [Item]>
    /// The item's name in rejection messages ("span", "log record", "metric").
    let itemName: String

    /// The valid part of `bytes` and what was rejected, or nil when `bytes` is not
    /// well-formed protobuf at all or not a single item decodes.
    func decode(_ bytes: [UInt8]) -> (Request, Rejections)? {
        guard let fields = ProtobufWire.fields(bytes, in: bytes.indices) else { return nil }
        var request = Request()
        var rejections = Rejections()
        var accepted = 0
        for field in fields where field.number == 1 {
            guard let payload = field.payload else { return nil }
            if let entry = try? ResourceEntry(serializedBytes: Array(bytes[payload])) {
                accepted += entry[keyPath: scopes].reduce(0) { $0 + $1[keyPath: items].count }
                request[keyPath: resources].append(entry)
                continue
            }
            guard let entry = decodeResource(bytes, payload, &rejections, &accepted) else { continue }
            request[keyPath: resources].append(entry)
        }
        guard accepted > 0 else { return nil }
        return (request, rejections)
    }

    private func decodeResource(
        _ bytes: [UInt8], _ range: Range<Int>, _ rejections: inout Rejections, _ accepted: inout Int
    ) -> ResourceEntry? {
        guard let fields = ProtobufWire.fields(bytes, in: range) else {
            rejections.add("resource: malformed protobuf")
            return nil
        }
        guard var entry = try? ResourceEntry(serializedBytes: ProtobufWire.removing(2, from: bytes, fields: fields)) else {
            reject(itemsIn: fields.filter { $0.number == 2 }, of: bytes, because: "its resource is invalid", &rejections)
            return nil
        }
        for field in fields where field.number == 2 {
            guard let payload = field.payload else { continue }
            if let scope = try? ScopeEntry(serializedBytes: Array(bytes[payload])) {
                accepted += scope[keyPath: items].count
                entry[keyPath: scopes].append(scope)
            } else if let scope = decodeScope(bytes, payload, &rejections, &accepted) {
                entry[keyPath: scopes].append(scope)
            }
        }
        return entry
    }

    private func decodeScope(
        _ bytes: [UInt8], _ range: Range<Int>, _ rejections: inout Rejections, _ accepted: inout Int
    ) -> ScopeEntry? {
        guard let fields = ProtobufWire.fields(bytes, in: range) else {
            rejections.add("scope: malformed protobuf")
            return nil
        }
        let itemFields = fields.filter { $0.number == 2 }
        guard var scope = try? ScopeEntry(serializedBytes: ProtobufWire.removing(2, from: bytes, fields: fields)) else {
            for _ in itemFields { rejections.add("\(itemName): its instrumentation scope is invalid (not valid UTF-8?)") }
            return nil
        }
        for (index, field) in itemFields.enumerated() {
            guard let payload = field.payload, let item = try? Item(serializedBytes: Array(bytes[payload])) else {
                rejections.add("\(itemName) \(index) of its scope: cannot be decoded (a string that is not valid UTF-8?)")
                continue
            }
            accepted += 1
            scope[keyPath: items].append(item)
        }
        return scope
    }

    private func reject(
        itemsIn scopeFields: [ProtobufWire.Field], of bytes: [UInt8], because reason: String,
        _ rejections: inout Rejections
    ) {
        for scope in scopeFields {
            guard let payload = scope.payload, let fields = ProtobufWire.fields(bytes, in: payload) else { continue }
            for field in fields where field.number == 2 { rejections.add("\(itemName): \(reason) (not valid UTF-8?)") }
        }
    }
}
