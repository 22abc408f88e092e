/// What a handler answers.
public struct HTTPResponse: Sendable {
    /// Where the body comes from.
    public enum Body: Sendable {
        /// Bytes held in memory; gzip-compressed on the way out when the client allows it.
        case bytes([UInt8])
        /// A file sent from disk as is.
        case file(path: String)
        /// Bytes written later, for as long as the connection lasts (server-sent events). Sent
        /// with chunked encoding and never compressed; the worker thread is not held while the
        /// stream waits for data (the connection is suspended).
        case stream(ResponseStream)
    }

    /// The status code.
    public var status: Int
    /// Response headers; `Content-Length` is set by the server.
    public var headers: HTTPHeaders
    /// The body.
    public var body: Body
    /// Why a 5xx happened, for the server's log; never sent to the client.
    public var failureReason: String?

    /// Creates a response.
    public init(status: Int = 200, headers: HTTPHeaders = HTTPHeaders(), body: Body = .bytes([])) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A response with a byte body and a content type.
    public init(status: Int = 200, contentType: String, body: [UInt8]) {
        self.init(status: status, headers: HTTPHeaders([("Content-Type", contentType)]), body: .bytes(body))
    }

    /// The body as text when it is held in memory.
    var textBody: String? {
        guard case .bytes(let bytes) = body else { return nil }
        return String(decoding: bytes.prefix(500), as: UTF8.self).trimmingSuffix("\n")
    }

    /// A `text/plain` response; a newline is added.
    public static func text(_ text: String, status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "text/plain; charset=utf-8", body: Array((text + "\n").utf8))
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: Character) -> String {
        var text = Substring(self)
        while text.last == suffix { text.removeLast() }
        return String(text)
    }
}
