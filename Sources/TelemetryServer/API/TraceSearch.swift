import Foundation
import GRDB
import HTTPServer

/// `GET /api/traces`: traces with at least one span matching every given condition, most
/// recent first, as summaries.
///
/// Parameters: `service`, `operation` (span name), `tags` (see `TagFilter`: logfmt pairs or a
/// JSON object, matched against span and resource attributes), `minDuration` and
/// `maxDuration` (`250ms`, `1.5s`), `start` and `end` (Unix seconds or RFC 3339, on the span's
/// start), `limit` (default 20, at most 1000). As in Jaeger, the conditions hold for one span.
/// Traces are ordered by when their latest matching span arrived, which no client clock can
/// skew.
struct TraceSearch {
    var conditions: [String] = []
    var arguments: [DatabaseValue] = []
    var limit = 20

    init(_ request: HTTPRequest) throws(HTTPError) {
        let parameters = QueryParameters(request: request)
        limit = try parameters.integer("limit", default: 20, range: 1...1000)
        if let service = try parameters.string("service") { add("s.service_name = CAST(? AS TEXT)", RowJSON.textArgument(service)) }
        if let operation = try parameters.string("operation") { add("s.name = CAST(? AS TEXT)", RowJSON.textArgument(operation)) }
        for tag in try TagFilter.parse(request.queryValues("tags")) {
            conditions.append(
                "(EXISTS (SELECT 1 FROM json_each(s.attributes) a WHERE a.key = ? AND \(Self.text("a")) = ?)"
                    + " OR EXISTS (SELECT 1 FROM json_each(s.resource_attributes) r WHERE r.key = ? AND \(Self.text("r")) = ?))")
            arguments += [tag.key, tag.value, tag.key, tag.value].map(\.databaseValue)
        }
        let minimum = try parameters.duration("minDuration")
        let maximum = try parameters.duration("maxDuration")
        if let minimum { add("s.duration_nano >= ?", minimum) }
        if let maximum { add("s.duration_nano <= ?", maximum) }
        if let minimum, let maximum, minimum > maximum {
            throw HTTPError(status: 400, message: "maxDuration: must not be less than minDuration")
        }
        let (start, end) = try parameters.timeRange()
        if let start { add("s.start_unix_nano >= ?", start) }
        if let end { add("s.start_unix_nano <= ?", end) }
    }

    private mutating func add(_ condition: String, _ value: some DatabaseValueConvertible) {
        conditions.append(condition)
        arguments.append(value.databaseValue)
    }

    /// An attribute value as text: strings as they are, booleans as `true`/`false`, numbers in
    /// SQLite's text form.
    private static func text(_ table: String) -> String {
        "(CASE \(table).type WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE CAST(\(table).value AS TEXT) END)"
    }

    /// The SQL: matching trace ids (most recently arrived matching span first), then one
    /// summary row each.
    var sql: String {
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return """
            WITH matched AS (
                SELECT s.trace_id AS trace_id, MAX(s.id) AS latest FROM spans s
                \(whereClause) GROUP BY s.trace_id ORDER BY latest DESC LIMIT ?
            )
            SELECT t.trace_id AS trace_id, MIN(t.start_unix_nano) AS start, MAX(t.end_unix_nano) AS "end",
                COUNT(*) AS spans, SUM(t.status_code = 2) AS errors, m.latest AS latest,
                (SELECT CAST(r.service_name AS BLOB) FROM spans r WHERE r.trace_id = t.trace_id
                    ORDER BY r.parent_span_id IS NOT NULL, r.start_unix_nano LIMIT 1) AS root_service,
                (SELECT CAST(r.name AS BLOB) FROM spans r WHERE r.trace_id = t.trace_id
                    ORDER BY r.parent_span_id IS NOT NULL, r.start_unix_nano LIMIT 1) AS root_name
            FROM matched m JOIN spans t ON t.trace_id = m.trace_id
            GROUP BY t.trace_id ORDER BY m.latest DESC
            """
    }

    var statementArguments: StatementArguments {
        StatementArguments(arguments + [limit.databaseValue])
    }
}
