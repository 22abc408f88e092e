import Foundation
import HTTPServer
import PromQL

/// Prometheus's HTTP API envelope: `{"status":"success","data":…}` or
/// `{"status":"error","errorType":…,"error":…}` with the status code Prometheus gives each
/// error type (bad_data 400, execution 422, timeout 503, canceled 499, internal 500,
/// not_found 404).
enum APIEnvelope {
    /// A success carrying `data`, already encoded as JSON.
    static func success(_ data: String) -> HTTPResponse {
        HTTPResponse(contentType: "application/json", body: Array("{\"status\":\"success\",\"data\":\(data)}".utf8))
    }

    /// A success whose `data` JSON is written straight into the body's bytes (a range query's
    /// matrix: millions of points, no intermediate string).
    static func success(writing data: (inout [UInt8]) -> Void) -> HTTPResponse {
        var body = Array("{\"status\":\"success\",\"data\":".utf8)
        data(&body)
        body.append(UInt8(ascii: "}"))
        return HTTPResponse(contentType: "application/json", body: body)
    }

    /// An error of `type` with `message`.
    static func error(_ type: String, _ message: String) -> HTTPResponse {
        let status: Int
        switch type {
        case "bad_data": status = 400
        case "execution": status = 422
        case "timeout": status = 503
        case "canceled": status = 499
        case "not_found": status = 404
        default: status = 500
        }
        return HTTPResponse(
            status: status, contentType: "application/json",
            body: Array("{\"status\":\"error\",\"errorType\":\"\(type)\",\"error\":\(APIFormat.string(message))}".utf8))
    }

    /// Errors thrown before a handler runs (413, the memory budget, shutdown) in the envelope.
    static let errorFormatter: @Sendable (HTTPError, HTTPHeaders) -> HTTPResponse = { error, _ in
        var response = APIEnvelope.error(error.status >= 500 ? "unavailable" : "bad_data", error.message)
        response.status = error.status
        if let retry = error.retryAfterSeconds { response.headers.set("Retry-After", String(retry)) }
        response.failureReason = error.logMessage
        return response
    }
}
