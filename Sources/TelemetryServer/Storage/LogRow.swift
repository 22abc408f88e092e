import Foundation
import GRDB

/// One log record as stored: body and attributes as JSON text.
struct LogRow: Sendable, Equatable {
    var timeUnixNano: UInt64
    var observedUnixNano: UInt64
    var serviceName: String
    var severityNumber: Int
    var severityText: String
    var body: String
    var attributes: String
    var droppedAttributesCount: UInt32
    var flags: UInt32
    var traceID: Data?
    var spanID: Data?
    var eventName: String
    var resourceAttributes: String
    var scopeName: String
    var scopeVersion: String
    var receivedUnixNano: UInt64

    static let insertSQL = """
        INSERT INTO logs (time_unix_nano, observed_unix_nano, service_name, severity_number, severity_text, body,
            attributes, dropped_attributes_count, flags, trace_id, span_id, event_name, resource_attributes,
            scope_name, scope_version, received_unix_nano)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    /// Binds the values in `insertSQL` order and inserts the row.
    func insert(with binder: inout SQLiteBinder) throws {
        binder.bind(Int64(clamping: timeUnixNano))
        binder.bind(Int64(clamping: observedUnixNano))
        binder.bind(serviceName)
        binder.bind(severityNumber)
        binder.bind(severityText)
        binder.bind(body)
        binder.bind(attributes)
        binder.bind(Int64(droppedAttributesCount))
        binder.bind(Int64(flags))
        binder.bind(traceID)
        binder.bind(spanID)
        binder.bind(eventName)
        binder.bind(resourceAttributes)
        binder.bind(scopeName)
        binder.bind(scopeVersion)
        binder.bind(Int64(clamping: receivedUnixNano))
        try binder.step()
    }
}
