import Foundation
@testable import TelemetryServer

extension SpanRow {
    /// A row as the storage tests need it: the given ids, times, name and attributes, the
    /// rest empty (service `svc`, kind 1, status unset).
    static func testRow(
        traceID: Data, spanID: Data, start: UInt64 = 1, name: String = "op", attributes: String = "{}",
        receivedAt: UInt64 = 1
    ) -> SpanRow {
        SpanRow(
            traceID: traceID, spanID: spanID, parentSpanID: nil, traceState: "", flags: 0, serviceName: "svc",
            name: name, kind: 1, startUnixNano: start, endUnixNano: start + 1, statusCode: 0, statusMessage: "",
            attributes: attributes, droppedAttributesCount: 0, events: "[]", droppedEventsCount: 0, links: "[]",
            droppedLinksCount: 0, resourceAttributes: "{}", scopeName: "", scopeVersion: "", scopeAttributes: "{}",
            receivedUnixNano: receivedAt)
    }
}
