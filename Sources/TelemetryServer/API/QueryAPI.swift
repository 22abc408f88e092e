import Foundation
import GRDB
import HTTPServer
import OTLP
import Telemetry

/// JSON query endpoints over stored spans and logs.
///
/// - `GET /api/services`: service names with stored spans (`limit`, default 1000).
/// - `GET /api/services/{service}/operations`: span names and kinds of a service (`limit`).
/// - `GET /api/traces`: trace search (`TraceSearch`), returning summaries.
/// - `GET /api/traces/{traceId}`: the spans of a trace, a page at a time (`TracePage`).
/// - `GET /api/logs`: log search (`LogSearch`).
///
/// Reads run on GRDB's reader pool against the WAL snapshot while the connection is
/// suspended, so they never wait for the writer or block an HTTP worker; `QueryLimiter`
/// bounds how many run and for how long. Lists that could grow without end are capped and
/// say so with `"truncated": true`.
struct QueryAPI: Sendable {
    let database: TelemetryDatabase
    let limiter: QueryLimiter

    func add(to router: inout Router) {
        let api = self
        router.add(Route("GET", "/api/services", handler: .suspending { try await api.services($0) }))
        router.add(Route("GET", "/api/services/{service}/operations", handler: .suspending { try await api.operations($0) }))
        router.add(Route("GET", "/api/traces", handler: .suspending { try await api.searchTraces($0) }))
        router.add(Route("GET", "/api/traces/{traceId}", handler: .suspending { try await api.trace($0) }))
        router.add(Route("GET", "/api/logs", handler: .suspending { try await api.logs($0) }))
        router.add(Route("GET", "/api/dependencies", handler: .suspending { try await api.dependencies($0) }))
    }

    private func json(_ text: String) -> HTTPResponse {
        HTTPResponse(contentType: "application/json", body: Array(text.utf8))
    }

    private func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(HTTPError) -> T {
        try await limiter.read(database, body)
    }

    /// `[items…]` plus `"truncated":true` when the list was cut at `limit`.
    private static func list(_ items: [String], limit: Int) -> String {
        "[" + items.prefix(limit).joined(separator: ",") + "]" + (items.count > limit ? ",\"truncated\":true" : "")
    }

    func services(_ request: HTTPRequest) async throws -> HTTPResponse {
        let limit = try QueryParameters(request: request).integer("limit", default: 1000, range: 1...100_000)
        let names = try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT DISTINCT CAST(service_name AS BLOB) AS service_name FROM spans ORDER BY service_name LIMIT ?",
                arguments: [limit + 1]
            ).map { RowJSON.text($0, "service_name") }
        }
        return json("{\"services\":" + Self.list(names, limit: limit) + "}")
    }

    func operations(_ request: HTTPRequest) async throws -> HTTPResponse {
        let service = request.pathParameters["service"] ?? ""
        let limit = try QueryParameters(request: request).integer("limit", default: 1000, range: 1...100_000)
        let operations = try await read { db in
            try Row.fetchAll(
                db, sql: """
                    SELECT DISTINCT CAST(name AS BLOB) AS name, kind FROM spans WHERE service_name = CAST(? AS TEXT)
                    ORDER BY name, kind LIMIT ?
                    """,
                arguments: [RowJSON.textArgument(service), limit + 1]
            ).map { row in
                RowJSON.object([("name", RowJSON.text(row, "name")), ("spanKind", "\(row["kind"] as Int)")])
            }
        }
        return json(
            "{\"service\":\(RowJSON.quoted(service)),\"operations\":" + Self.list(operations, limit: limit) + "}")
    }

    func searchTraces(_ request: HTTPRequest) async throws -> HTTPResponse {
        let search = try TraceSearch(request)
        let (sql, arguments) = (search.sql, search.statementArguments)
        let traces = try await read { db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map(RowJSON.traceSummary)
        }
        return json("{\"traces\":[" + traces.joined(separator: ",") + "]}")
    }

    func trace(_ request: HTTPRequest) async throws -> HTTPResponse {
        let page = try TracePage(request)
        let result = try await read { db in try page.fetch(db) }
        guard result.spanCount > 0 else { throw HTTPError(status: 404, message: "trace \(page.traceIDText) not found") }
        return HTTPResponse(contentType: "application/json", body: result.json)
    }

    func logs(_ request: HTTPRequest) async throws -> HTTPResponse {
        let search = try LogSearch(request)
        let (sql, arguments) = (search.sql, search.statementArguments)
        let rows = try await read { db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map(RowJSON.log)
        }
        return json("{\"logs\":[" + rows.joined(separator: ",") + "]}")
    }

    /// `GET /api/dependencies?start=&end=`: the calls between services, from spans whose parent
    /// is in another service and which started in the range (default the last hour), as
    /// Jaeger's `{parent, child, callCount}` with `errorCount`.
    func dependencies(_ request: HTTPRequest) async throws -> HTTPResponse {
        let (start, end) = try QueryParameters(request: request).timeRange()
        let until = end ?? Int64(WallClock.nanoseconds())
        let from = start ?? (until - 3_600_000_000_000)
        // Parents are joined through an index SQLite builds for the query over the spans of
        // the range's traces: the stored index led by the trace id would be read through the
        // whole trace for each span (quadratic: minutes for a trace of 50,000 spans).
        let edges = try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    WITH c AS MATERIALIZED (
                        SELECT trace_id, parent_span_id, service_name, status_code FROM spans
                        WHERE start_unix_nano BETWEEN ? AND ? AND parent_span_id IS NOT NULL),
                    p AS MATERIALIZED (
                        SELECT trace_id, span_id, service_name FROM spans
                        WHERE trace_id IN (SELECT trace_id FROM c))
                    SELECT CAST(p.service_name AS BLOB) AS parent, CAST(c.service_name AS BLOB) AS child,
                        COUNT(*) AS calls, SUM(c.status_code = 2) AS errors
                    FROM c JOIN p ON p.trace_id = c.trace_id AND p.span_id = c.parent_span_id
                    WHERE p.service_name <> c.service_name
                    GROUP BY p.service_name, c.service_name ORDER BY calls DESC LIMIT 1000
                    """,
                arguments: [from, until]
            ).map { row in
                RowJSON.object([
                    ("parent", RowJSON.text(row, "parent")), ("child", RowJSON.text(row, "child")),
                    ("callCount", "\(row["calls"] as Int)"), ("errorCount", "\(row["errors"] as Int)"),
                ])
            }
        }
        return json("{\"dependencies\":[" + edges.joined(separator: ",") + "]}")
    }
}
