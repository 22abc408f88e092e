import Foundation
import GRDB
import HTTPServer
import OTLP

/// JSON query endpoints over stored spans and logs.
///
/// - `GET /api/services`: service names with stored spans.
/// - `GET /api/services/{service}/operations`: span names and kinds of a service.
/// - `GET /api/traces`: trace search (`TraceSearch`), returning summaries.
/// - `GET /api/traces/{traceId}`: every span of a trace with its parent id.
/// - `GET /api/logs`: log search (`LogSearch`).
///
/// Reads run on GRDB's reader pool against the WAL snapshot while the connection is
/// suspended, so they never wait for the writer or block an HTTP worker.
struct QueryAPI: Sendable {
    let database: TelemetryDatabase

    func add(to router: inout Router) {
        let api = self
        router.add(Route("GET", "/api/services", handler: .suspending { _ in try await api.services() }))
        router.add(Route("GET", "/api/services/{service}/operations", handler: .suspending { try await api.operations($0) }))
        router.add(Route("GET", "/api/traces", handler: .suspending { try await api.searchTraces($0) }))
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
        return json("{\"services\":[" + names.map(RowJSON.quoted).joined(separator: ",") + "]}")
    }

    func operations(_ request: HTTPRequest) async throws -> HTTPResponse {
        let service = request.pathParameters["service"] ?? ""
        let operations = try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT DISTINCT name, kind FROM spans WHERE service_name = ? ORDER BY name, kind",
                arguments: [service]
            ).map { row in
                RowJSON.object([("name", RowJSON.quoted(row["name"])), ("spanKind", "\(row["kind"] as Int)")])
            }
        }
        return json("{\"service\":\(RowJSON.quoted(service)),\"operations\":[" + operations.joined(separator: ",") + "]}")
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
        let text = request.pathParameters["traceId"] ?? ""
        guard text.count == 32, let id = Hex.decode(text) else {
            throw HTTPError(status: 400, message: "traceId: want 32 hex characters, got \"\(text)\"")
        }
        let traceID = Data(id)
        let spans = try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM spans WHERE trace_id = ? ORDER BY start_unix_nano, span_id",
                arguments: [traceID]
            ).map(RowJSON.span)
        }
        guard !spans.isEmpty else { throw HTTPError(status: 404, message: "trace \(text) not found") }
        return json("{\"traceId\":\"\(text.lowercased())\",\"spans\":[" + spans.joined(separator: ",") + "]}")
    }

    func logs(_ request: HTTPRequest) async throws -> HTTPResponse {
        let search = try LogSearch(request)
        let (sql, arguments) = (search.sql, search.statementArguments)
        let rows = try await read { db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map(RowJSON.log)
        }
        return json("{\"logs\":[" + rows.joined(separator: ",") + "]}")
    }
}
