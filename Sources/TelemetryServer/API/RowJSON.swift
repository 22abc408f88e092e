import Foundation
import GRDB
import OTLP

/// Stored rows rendered as the query API's JSON objects (attributes, events and links are
/// stored as JSON already and copied through).
///
/// Nanosecond times are sent as decimal strings, as OTLP/JSON sends 64-bit integers: a
/// JavaScript number holds integers exactly only up to 2⁵³ and times since 1970 in
/// nanoseconds are past that. Names are read as bytes (selected `CAST(… AS BLOB)`) because
/// GRDB reads text columns as C strings and would cut a name at an embedded NUL.
enum RowJSON {
    /// The span columns, with names read as bytes; `SpanJSON` reads them by position.
    static let spanColumns = """
        id, trace_id, span_id, parent_span_id, CAST(trace_state AS BLOB) AS trace_state, flags,
        CAST(service_name AS BLOB) AS service_name, CAST(name AS BLOB) AS name, kind, start_unix_nano,
        end_unix_nano, duration_nano, status_code, CAST(status_message AS BLOB) AS status_message, attributes,
        dropped_attributes_count, events, dropped_events_count, links, dropped_links_count, resource_attributes,
        CAST(scope_name AS BLOB) AS scope_name, CAST(scope_version AS BLOB) AS scope_version, scope_attributes
        """

    /// The log columns, with names read as bytes.
    static let logColumns = """
        id, time_unix_nano, observed_unix_nano, CAST(service_name AS BLOB) AS service_name, severity_number,
        CAST(severity_text AS BLOB) AS severity_text, body, attributes, flags, trace_id, span_id,
        CAST(event_name AS BLOB) AS event_name, resource_attributes, CAST(scope_name AS BLOB) AS scope_name
        """

    /// `text` to bind as `CAST(? AS TEXT)`: GRDB binds a Swift string as a C string, which a
    /// NUL would cut short; bytes keep every character.
    static func textArgument(_ text: String) -> Data {
        Data(text.utf8)
    }

    static func quoted(_ text: String) -> String {
        var result = ""
        AttributeJSON.appendString(text, to: &result)
        return result
    }

    /// A column selected as bytes (or text), as a JSON string.
    static func text(_ row: Row, _ column: String) -> String {
        quoted(string(row, column))
    }

    /// A column selected as bytes (or text), decoded as UTF-8.
    static func string(_ row: Row, _ column: String) -> String {
        switch row[column] as DatabaseValue? {
        case .some(let value):
            switch value.storage {
            case .blob(let data): return String(decoding: data, as: UTF8.self)
            case .string(let string): return string
            case .int64(let int): return String(int)
            case .double(let double): return String(double)
            case .null: return ""
            }
        case nil: return ""
        }
    }

    /// An integer column as a JSON string.
    static func nanos(_ row: Row, _ column: String) -> String {
        "\"\(row[column] as Int64? ?? 0)\""
    }

    static func hex(_ row: Row, _ column: String) -> String {
        guard let data = row[column] as Data? else { return "\"\"" }
        return "\"\(Hex.encode(data))\""
    }

    static func object(_ fields: [(String, String)]) -> String {
        "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }

    static func log(_ row: Row) -> String {
        object([
            ("timeUnixNano", nanos(row, "time_unix_nano")),
            ("observedTimeUnixNano", nanos(row, "observed_unix_nano")),
            ("service", text(row, "service_name")), ("severityNumber", "\(row["severity_number"] as Int)"),
            ("severityText", text(row, "severity_text")), ("body", row["body"]),
            ("attributes", row["attributes"]), ("traceId", hex(row, "trace_id")), ("spanId", hex(row, "span_id")),
            ("flags", "\(row["flags"] as Int64)"), ("eventName", text(row, "event_name")),
            ("resource", row["resource_attributes"]), ("scope", text(row, "scope_name")),
            ("cursor", "\"\(row["time_unix_nano"] as Int64):\(row["id"] as Int64)\""),
        ])
    }

    /// One trace summary of a search result.
    static func traceSummary(_ row: Row) -> String {
        let start = row["start"] as Int64
        return object([
            ("traceId", hex(row, "trace_id")), ("rootService", text(row, "root_service")),
            ("rootOperation", text(row, "root_name")), ("startTimeUnixNano", "\"\(start)\""),
            ("durationNano", "\"\(max(0, (row["end"] as Int64) &- start))\""), ("spanCount", "\(row["spans"] as Int)"),
            ("errorCount", "\(row["errors"] as Int)"), ("hasError", (row["errors"] as Int) > 0 ? "true" : "false"),
        ])
    }
}
