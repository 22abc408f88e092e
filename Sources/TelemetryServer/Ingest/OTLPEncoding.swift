import HTTPServer
import OTLP
import SwiftProtobuf

/// The two OTLP/HTTP body encodings, chosen by the request's `Content-Type`; responses use the
/// same encoding as the request.
enum OTLPEncoding: Sendable {
    case protobuf
    case json

    /// nil for a missing or unsupported content type (answered with 415).
    init?(contentType: String?) {
        guard let contentType else { return nil }
        let mediaType = contentType.split(separator: ";").first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }
        switch mediaType {
        case "application/x-protobuf", "application/protobuf": self = .protobuf
        case "application/json": self = .json
        default: return nil
        }
    }

    /// The encoding of an OTLP/HTTP request, or 415 naming its content type.
    init(of request: HTTPRequest) throws(HTTPError) {
        guard let encoding = OTLPEncoding(contentType: request.headers["Content-Type"]) else {
            throw HTTPError(
                status: 415,
                message: "unsupported Content-Type \"\(request.headers["Content-Type"] ?? "")\"; "
                    + "use application/x-protobuf or application/json")
        }
        self = encoding
    }

    var contentType: String {
        switch self {
        case .protobuf: return "application/x-protobuf"
        case .json: return "application/json"
        }
    }

    func decode<M: SwiftProtobuf.Message>(_ type: M.Type, from body: [UInt8]) throws(HTTPError) -> M {
        switch self {
        case .protobuf:
            do {
                return try M(serializedBytes: body)
            } catch {
                throw HTTPError(status: 400, message: "invalid protobuf \(M.protoMessageName): \(error)")
            }
        case .json:
            do {
                return try OTLPJSON.decode(type, from: body)
            } catch {
                throw HTTPError(status: 400, message: error.description)
            }
        }
    }

    func response(_ message: some SwiftProtobuf.Message, status: Int = 200) -> HTTPResponse {
        let body: [UInt8]
        switch self {
        case .protobuf: body = (try? message.serializedBytes()) ?? []
        case .json: body = (try? OTLPJSON.encode(message)) ?? Array("{}".utf8)
        }
        return HTTPResponse(status: status, contentType: contentType, body: body)
    }

    /// The HTTP answer to a receive: the response message, or the error as a status body.
    func answer(_ result: Result<some SwiftProtobuf.Message, HTTPError>) -> HTTPResponse {
        switch result {
        case .success(let message): return response(message)
        case .failure(let error): return errorResponse(error)
        }
    }

    /// `error` as a `google.rpc.Status` body with its status and `Retry-After`.
    func errorResponse(_ error: HTTPError) -> HTTPResponse {
        let code: RPCCode
        switch error.status {
        case 413, 429: code = .resourceExhausted
        case 500: code = .internal
        case 500...: code = .unavailable
        default: code = .invalidArgument
        }
        var response = errorResponse(
            status: error.status, code: code, message: error.message, retryAfterSeconds: error.retryAfterSeconds)
        response.failureReason = error.logMessage
        return response
    }

    /// A `google.rpc.Status` error body, as OTLP/HTTP requires for 4xx and 5xx answers.
    func errorResponse(status: Int, code: RPCCode, message: String, retryAfterSeconds: Int? = nil) -> HTTPResponse {
        var rpcStatus = Google_Rpc_Status()
        rpcStatus.code = code.rawValue
        rpcStatus.message = message
        var response = self.response(rpcStatus, status: status)
        if let retryAfterSeconds { response.headers.set("Retry-After", String(retryAfterSeconds)) }
        return response
    }

    /// The gRPC status codes used in error bodies.
    enum RPCCode: Int32 {
        case invalidArgument = 3
        case resourceExhausted = 8
        case `internal` = 13
        case unavailable = 14
    }
}
