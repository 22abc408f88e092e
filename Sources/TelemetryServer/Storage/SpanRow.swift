import Foundation
import GRDB

/// One span as stored: ids as bytes, attributes, events and links as JSON text.
struct SpanRow: Sendable, Equatable {
    var traceID: Data
    var spanID: Data
    var parentSpanID: Data?
    var traceState: String
    var flags: UInt32
    var serviceName: String
    var name: String
    var kind: Int
    var startUnixNano: UInt64
    var endUnixNano: UInt64
    var statusCode: Int
    var statusMessage: String
    var attributes: String
    var droppedAttributesCount: UInt32
    var events: String
    var droppedEventsCount: UInt32
    var links: String
    var droppedLinksCount: UInt32
    var resourceAttributes: String
    var scopeName: String
    var scopeVersion: String
    var scopeAttributes: String
    var receivedUnixNano: UInt64

    static let insertSQL = """
        INSERT OR REPLACE INTO spans (trace_id, span_id, parent_span_id, trace_state, flags, service_name, name,
            kind, start_unix_nano, end_unix_nano, duration_nano, status_code, status_message, attributes,
            dropped_attributes_count, events, dropped_events_count, links, dropped_links_count,
            resource_attributes, scope_name, scope_version, scope_attributes, received_unix_nano)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    /// Binds the values in `insertSQL` order and inserts the row. Nanosecond times are stored
    /// as signed 64-bit, which holds every time until the year 2262.
    func insert(with binder: inout SQLiteBinder) throws {
        let start = Int64(clamping: startUnixNano)
        let end = Int64(clamping: endUnixNano)
        binder.bind(traceID)
        binder.bind(spanID)
        binder.bind(parentSpanID)
        binder.bind(traceState)
        binder.bind(Int64(flags))
        binder.bind(serviceName)
        binder.bind(name)
        binder.bind(kind)
        binder.bind(start)
        binder.bind(end)
        binder.bind(max(0, end - start))
        binder.bind(statusCode)
        binder.bind(statusMessage)
        binder.bind(attributes)
        binder.bind(Int64(droppedAttributesCount))
        binder.bind(events)
        binder.bind(Int64(droppedEventsCount))
        binder.bind(links)
        binder.bind(Int64(droppedLinksCount))
        binder.bind(resourceAttributes)
        binder.bind(scopeName)
        binder.bind(scopeVersion)
        binder.bind(scopeAttributes)
        binder.bind(Int64(clamping: receivedUnixNano))
        try binder.step()
    }
}
