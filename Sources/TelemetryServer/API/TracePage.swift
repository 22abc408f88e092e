import Foundation
import GRDB
import HTTPServer
import OTLP

/// `GET /api/traces/{traceId}?limit=&after=`: a trace's spans in start order, a page at a time,
/// so a trace of any size is served in bounded responses.
///
/// A page holds at most `limit` spans (default 10,000, at most 50,000) and stops early past
/// about 16 MiB of JSON. The answer carries `spanCount` (the whole trace) and, when more
/// spans follow, `nextCursor`: pass it as `after` to get the next page.
struct TracePage {
    static let maxPageBytes = 16 << 20

    let traceID: Data
    let traceIDText: String
    let limit: Int
    /// Start time and span id of the last span already sent.
    let after: (start: Int64, spanID: Data)?

    struct Result: Sendable {
        var spanCount: Int
        /// The page as JSON.
        var json: [UInt8]
    }

    init(_ request: HTTPRequest) throws(HTTPError) {
        let text = request.pathParameters["traceId"] ?? ""
        guard text.utf8.count == 32, let id = Hex.decode(text) else {
            throw HTTPError(status: 400, message: "traceId: want 32 hex characters, got \"\(text.prefix(100))\"")
        }
        traceID = Data(id)
        traceIDText = text.lowercased()
        limit = try QueryParameters(request: request).integer("limit", default: 10_000, range: 1...50_000)
        if let cursor = request.queryValue("after") {
            let parts = cursor.split(separator: ":")
            guard parts.count == 2, let start = Int64(parts[0]), parts[1].utf8.count == 16, let span = Hex.decode(String(parts[1]))
            else {
                throw HTTPError(status: 400, message: "after: want a nextCursor from an earlier page, got \"\(cursor.prefix(100))\"")
            }
            after = (start, Data(span))
        } else {
            after = nil
        }
    }

    func fetch(_ db: Database) throws -> Result {
        let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM spans WHERE trace_id = ?", arguments: [traceID]) ?? 0
        var sql = "SELECT \(RowJSON.spanColumns) FROM spans WHERE trace_id = ?"
        var arguments: StatementArguments = [traceID]
        if let after {
            sql += " AND (start_unix_nano > ? OR (start_unix_nano = ? AND span_id > ?))"
            arguments += [after.start, after.start, after.spanID]
        }
        sql += " ORDER BY start_unix_nano, span_id LIMIT ?"
        arguments += [limit + 1]
        var json = Array("{\"traceId\":\"\(traceIDText)\",\"spanCount\":\(total),\"spans\":[".utf8)
        let header = json.count
        var count = 0
        var last: (start: Int64, spanID: Data)?
        var more = false
        let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
        while let row = try rows.next() {
            if count == limit || (json.count - header > Self.maxPageBytes && count > 0) {
                more = true
                break
            }
            if count > 0 { json.append(UInt8(ascii: ",")) }
            try SpanJSON.append(row, to: &json)
            count += 1
            last = SpanJSON.position(row)
        }
        json.append(UInt8(ascii: "]"))
        if more, let last { json += Array(",\"nextCursor\":\"\(last.start):\(Hex.encode(last.spanID))\"".utf8) }
        json.append(UInt8(ascii: "}"))
        return Result(spanCount: total, json: json)
    }
}
