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

    /// Statement arguments in `insertSQL` order. Nanosecond times are stored as signed 64-bit,
    /// which holds every time until the year 2262.
    var arguments: StatementArguments {
        let start = Int64(clamping: startUnixNano)
        let end = Int64(clamping: endUnixNano)
        let values: [(any DatabaseValueConvertible)?] = [
            traceID, spanID, parentSpanID, traceState, Int64(flags), serviceName, name, kind, start, end,
            max(0, end - start), statusCode, statusMessage, attributes, Int64(droppedAttributesCount), events,
            Int64(droppedEventsCount), links, Int64(droppedLinksCount), resourceAttributes, scopeName, scopeVersion,
            scopeAttributes, Int64(clamping: receivedUnixNano),
        ]
        return StatementArguments(values)
    }
}
