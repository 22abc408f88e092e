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

    var arguments: StatementArguments {
        let values: [(any DatabaseValueConvertible)?] = [
            Int64(clamping: timeUnixNano), Int64(clamping: observedUnixNano), serviceName, severityNumber,
            severityText, body, attributes, Int64(droppedAttributesCount), Int64(flags), traceID, spanID, eventName,
            resourceAttributes, scopeName, scopeVersion, Int64(clamping: receivedUnixNano),
        ]
        return StatementArguments(values)
    }
}
