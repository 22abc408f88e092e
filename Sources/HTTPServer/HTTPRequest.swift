/// A complete HTTP request as a handler sees it: the body is whole and already decoded from
/// any `Content-Encoding`.
public struct HTTPRequest: Sendable {
    /// The method as sent (`GET`, `POST`, …). `HEAD` is routed like `GET`.
    public var method: String
    /// The path without the query string, as sent (still percent-encoded; route parameters
    /// are decoded segment by segment).
    public var path: String
    /// Query parameters in order; a name may repeat.
    public var query: [(name: String, value: String)]
    /// Request headers.
    public var headers: HTTPHeaders
    /// The body after inflating `Content-Encoding: gzip`.
    public var body: [UInt8]
    /// Values of `{name}` segments in the matched route pattern.
    public var pathParameters: [String: String]
    /// The path's segments, each percent-decoded on its own (an escaped `/` stays inside its
    /// segment); empty segments are dropped.
    public var pathSegments: [String]

    /// Creates a request (used by the server and by tests of handlers).
    public init(
        method: String, path: String, query: [(name: String, value: String)] = [],
        headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [], pathParameters: [String: String] = [:],
        pathSegments: [String]? = nil
    ) {
        self.pathSegments = pathSegments ?? (try? RequestTarget(path))?.segments ?? []
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.pathParameters = pathParameters
    }

    /// The first value of the query parameter `name`.
    public func queryValue(_ name: String) -> String? {
        query.first { $0.name == name }?.value
    }

    /// Every value of the query parameter `name`.
    public func queryValues(_ name: String) -> [String] {
        query.filter { $0.name == name }.map(\.value)
    }

    /// The query parameters followed by those of an `application/x-www-form-urlencoded` body,
    /// as Prometheus's API reads a POST.
    public var formParameters: [(name: String, value: String)] {
        let contentType = headers["Content-Type"]?.split(separator: ";").first?.lowercased()
        guard method == "POST", contentType == "application/x-www-form-urlencoded", !body.isEmpty,
            let form = try? RequestTarget("?" + String(decoding: body, as: UTF8.self))
        else { return query }
        return query + form.query
    }
}
