import Foundation
import GRDB
import HTTPServer
import OTLP

/// JSON query endpoints over stored spans and logs.
///
/// - `GET /api/services`: service names with stored spans.
/// - `GET /api/traces/{traceId}`: every span of a trace with its parent id.
/// - `GET /api/logs?traceId=…&limit=…`: log records of a trace, oldest first.
///
/// Reads run on a Swift task (the connection is suspended), against the WAL snapshot, so they
/// never wait for the writer.
struct QueryAPI: Sendable {
    let database: TelemetryDatabase

    func add(to router: inout Router) {
        let api = self
        router.add(Route("GET", "/api/services", handler: .suspending { _ in try await api.services() }))
        router.add(Route("GET", "/api/traces/{traceId}", handler: .suspending { try await api.trace($0) }))
        router.add(Route("GET", "/api/logs", handler: .suspending { try await api.logs($0) }))
    }

    private func json(_ text: String) -> HTTPResponse {
        HTTPResponse(contentType: "application/json", body: Array(text.utf8))
    }

    /// Runs a read on GRDB's reader queue (not the Swift concurrency pool).
    private func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await database.pool.read(body)
        } catch {
            throw HTTPError(status: 500, message: "query failed: \(error)")
        }
    }

    func services() async throws -> HTTPResponse {
        let names = try await read { db in
            try String.fetchAll(db, sql: "SELECT DISTINCT service_name FROM spans ORDER BY service_name")
        }
        return json("{\"services\":[" + names.map(quoted).joined(separator: ",") + "]}")
    }

    func trace(_ request: HTTPRequest) async throws -> HTTPResponse {
        let text = request.pathParameters["traceId"] ?? ""
        guard text.count == 32, let id = Hex.decode(text) else {
            throw HTTPError(status: 400, message: "traceId: want 32 hex characters, got \"\(text)\"")
        }
        let traceID = Data(id)
        let api = self
        let spans = try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM spans WHERE trace_id = ? ORDER BY start_unix_nano, span_id",
                arguments: [traceID]
            ).map(api.spanJSON)
        }
        guard !spans.isEmpty else { throw HTTPError(status: 404, message: "trace \(text) not found") }
        return json("{\"traceId\":\"\(text.lowercased())\",\"spans\":[" + spans.joined(separator: ",") + "]}")
    }

    func logs(_ request: HTTPRequest) async throws -> HTTPResponse {
        var limit = 100
        if let text = request.queryValue("limit") {
            guard let value = Int(text), (1...10_000).contains(value) else {
                throw HTTPError(status: 400, message: "limit: want an integer from 1 to 10000, got \"\(text)\"")
            }
            limit = value
        }
        var conditions: [String] = []
        var arguments: [DatabaseValue] = []
        if let text = request.queryValue("traceId") {
            guard text.count == 32, let id = Hex.decode(text) else {
                throw HTTPError(status: 400, message: "traceId: want 32 hex characters, got \"\(text)\"")
            }
            conditions.append("trace_id = ?")
            arguments.append(Data(id).databaseValue)
        }
        if let service = request.queryValue("service") {
            conditions.append("service_name = ?")
            arguments.append(service.databaseValue)
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        arguments.append(limit.databaseValue)
        let query = "SELECT * FROM logs \(whereClause) ORDER BY time_unix_nano, id LIMIT ?"
        let statementArguments = arguments
        let api = self
        let rows = try await read { db in
            try Row.fetchAll(db, sql: query, arguments: StatementArguments(statementArguments)).map(api.logJSON)
        }
        return json("{\"logs\":[" + rows.joined(separator: ",") + "]}")
    }

    private func quoted(_ text: String) -> String {
        var result = ""
        AttributeJSON.appendString(text, to: &result)
        return result
    }

    private func hex(_ row: Row, _ column: String) -> String {
        guard let data = row[column] as Data? else { return "\"\"" }
        return "\"\(Hex.encode(data))\""
    }

    private func spanJSON(_ row: Row) -> String {
        let fields: [(String, String)] = [
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
        ]
        return "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }

    private func logJSON(_ row: Row) -> String {
        let fields: [(String, String)] = [
            ("timeUnixNano", "\(row["time_unix_nano"] as Int64)"),
            ("observedTimeUnixNano", "\(row["observed_unix_nano"] as Int64)"),
            ("service", quoted(row["service_name"])), ("severityNumber", "\(row["severity_number"] as Int)"),
            ("severityText", quoted(row["severity_text"])), ("body", row["body"]),
            ("attributes", row["attributes"]), ("traceId", hex(row, "trace_id")), ("spanId", hex(row, "span_id")),
            ("flags", "\(row["flags"] as Int64)"), ("eventName", quoted(row["event_name"])),
            ("resource", row["resource_attributes"]), ("scope", quoted(row["scope_name"])),
        ]
        return "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }
}
