import Foundation
import GRDB
import HTTPServer

/// `GET /api/logs`: log records by `traceId`, `service`, minimum `severity` (a number 1–24 or
/// TRACE, DEBUG, INFO, WARN, ERROR, FATAL), `text` (a substring of the body, case-insensitive
/// for ASCII), `start`/`end` (Unix seconds or RFC 3339), `spanId`, `before` (a record's
/// `cursor`: only older records, for paging backwards) and `limit` (default 100, at most
/// 10000), newest first unless `direction=forward`.
struct LogSearch {
    var conditions: [String] = []
    var arguments: [DatabaseValue] = []
    var limit = 100
    var forward = false

    private static let severities = ["TRACE": 1, "DEBUG": 5, "INFO": 9, "WARN": 13, "ERROR": 17, "FATAL": 21]

    init(_ request: HTTPRequest) throws(HTTPError) {
        let parameters = QueryParameters(request: request)
        limit = try parameters.integer("limit", default: 100, range: 1...10_000)
        if let traceID = try parameters.traceID("traceId") { add("trace_id = ?", traceID) }
        if let spanID = try parameters.spanID("spanId") { add("span_id = ?", spanID) }
        if let cursor = request.queryValue("before") {
            let parts = cursor.split(separator: ":")
            guard parts.count == 2, let time = Int64(parts[0]), let id = Int64(parts[1]) else {
                throw HTTPError(status: 400, message: "before: want a log record's cursor (time:id), got \"\(cursor.prefix(100))\"")
            }
            conditions.append("(time_unix_nano < ? OR (time_unix_nano = ? AND id < ?))")
            arguments += [time.databaseValue, time.databaseValue, id.databaseValue]
        }
        if let service = try parameters.string("service") { add("service_name = CAST(? AS TEXT)", RowJSON.textArgument(service)) }
        if let severity = request.queryValue("severity") {
            guard let number = Int(severity).flatMap({ (1...24).contains($0) ? $0 : nil })
                ?? Self.severities[severity.uppercased()]
            else {
                throw HTTPError(
                    status: 400,
                    message: "severity: want a number from 1 to 24 or TRACE, DEBUG, INFO, WARN, ERROR, FATAL, got \"\(severity)\"")
            }
            add("severity_number >= ?", number)
        }
        if let text = try parameters.string("text") {
            let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_")
            add("body LIKE ? ESCAPE '\\'", "%\(escaped)%")
        }
        let (start, end) = try parameters.timeRange()
        if let start { add("time_unix_nano >= ?", start) }
        if let end { add("time_unix_nano <= ?", end) }
        switch request.queryValue("direction") {
        case nil, "backward": forward = false
        case "forward": forward = true
        case let other?:
            throw HTTPError(status: 400, message: "direction: want forward or backward, got \"\(other)\"")
        }
    }

    private mutating func add(_ condition: String, _ value: some DatabaseValueConvertible) {
        conditions.append(condition)
        arguments.append(value.databaseValue)
    }

    var sql: String {
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let order = forward ? "time_unix_nano, id" : "time_unix_nano DESC, id DESC"
        return "SELECT \(RowJSON.logColumns) FROM logs \(whereClause) ORDER BY \(order) LIMIT ?"
    }

    var statementArguments: StatementArguments {
        StatementArguments(arguments + [limit.databaseValue])
    }
}
