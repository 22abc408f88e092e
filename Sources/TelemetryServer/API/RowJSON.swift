import Foundation
import GRDB
import OTLP

/// Stored rows rendered as the query API's JSON objects (attributes, events and links are
/// stored as JSON already and copied through).
enum RowJSON {
    static func quoted(_ text: String) -> String {
        var result = ""
        AttributeJSON.appendString(text, to: &result)
        return result
    }

    static func hex(_ row: Row, _ column: String) -> String {
        guard let data = row[column] as Data? else { return "\"\"" }
        return "\"\(Hex.encode(data))\""
    }

    static func object(_ fields: [(String, String)]) -> String {
        "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }

    static func span(_ row: Row) -> String {
        object([
            ("traceId", hex(row, "trace_id")), ("spanId", hex(row, "span_id")),
            ("parentSpanId", hex(row, "parent_span_id")), ("traceState", quoted(row["trace_state"])),
            ("flags", "\(row["flags"] as Int64)"), ("service", quoted(row["service_name"])),
            ("name", quoted(row["name"])), ("kind", "\(row["kind"] as Int)"),
            ("startTimeUnixNano", "\(row["start_unix_nano"] as Int64)"),
            ("endTimeUnixNano", "\(row["end_unix_nano"] as Int64)"),
            ("durationNano", "\(row["duration_nano"] as Int64)"),
            ("status", "{\"code\":\(row["status_code"] as Int),\"message\":\(quoted(row["status_message"]))}"),
            ("attributes", row["attributes"]), ("droppedAttributesCount", "\(row["dropped_attributes_count"] as Int64)"),
            ("events", row["events"]), ("droppedEventsCount", "\(row["dropped_events_count"] as Int64)"),
            ("links", row["links"]), ("droppedLinksCount", "\(row["dropped_links_count"] as Int64)"),
            ("resource", row["resource_attributes"]),
            ("scope", "{\"name\":\(quoted(row["scope_name"])),\"version\":\(quoted(row["scope_version"])),"
                + "\"attributes\":\(row["scope_attributes"] as String)}"),
        ])
    }

    static func log(_ row: Row) -> String {
        object([
            ("timeUnixNano", "\(row["time_unix_nano"] as Int64)"),
            ("observedTimeUnixNano", "\(row["observed_unix_nano"] as Int64)"),
            ("service", quoted(row["service_name"])), ("severityNumber", "\(row["severity_number"] as Int)"),
            ("severityText", quoted(row["severity_text"])), ("body", row["body"]),
            ("attributes", row["attributes"]), ("traceId", hex(row, "trace_id")), ("spanId", hex(row, "span_id")),
            ("flags", "\(row["flags"] as Int64)"), ("eventName", quoted(row["event_name"])),
            ("resource", row["resource_attributes"]), ("scope", quoted(row["scope_name"])),
        ])
    }

    /// One trace summary of a search result.
    static func traceSummary(_ row: Row) -> String {
        let start = row["start"] as Int64
        return object([
            ("traceId", hex(row, "trace_id")), ("rootService", quoted(row["root_service"] ?? "")),
            ("rootOperation", quoted(row["root_name"] ?? "")), ("startTimeUnixNano", "\(start)"),
            ("durationNano", "\(max(0, (row["end"] as Int64) - start))"), ("spanCount", "\(row["spans"] as Int)"),
            ("errorCount", "\(row["errors"] as Int)"), ("hasError", (row["errors"] as Int) > 0 ? "true" : "false"),
        ])
    }
}
