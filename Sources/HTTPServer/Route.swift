/// A handler bound to a method and a path pattern.
///
/// Patterns are literal segments, `{name}` segments that capture one segment, and a final `*`
/// that captures the rest of the path as the parameter `*`.
public struct Route: Sendable {
    /// Decodes a body in a `Content-Encoding` the server does not know (snappy for remote
    /// write): given the body and the most bytes the result may have; throws a 413 past it.
    public typealias ContentDecoder = @Sendable (_ body: [UInt8], _ limit: Int) throws(HTTPError) -> [UInt8]

    /// How a handler runs.
    public enum Handler: Sendable {
        /// Runs on the libmicrohttpd worker: for quick answers computed from memory.
        case immediate(@Sendable (HTTPRequest) throws -> HTTPResponse)
        /// Runs on a Swift task while the connection is suspended: for anything that waits.
        case suspending(@Sendable (HTTPRequest) async throws -> HTTPResponse)
    }

    /// The method this route answers (`GET` also answers `HEAD`).
    public let method: String
    /// The pattern as written; used as the `handler` label in request metrics.
    public let pattern: String
    /// The handler.
    public let handler: Handler
    /// Renders an error (thrown by the handler, or found by the server before it runs: an
    /// oversize or undecodable body, the memory budget, shutdown) in this route's format, given
    /// the request headers. Plain text when nil.
    public let errorFormatter: (@Sendable (HTTPError, HTTPHeaders) -> HTTPResponse)?
    /// Decoders for content codings beyond `ContentCoding`'s and identity, by lowercase name.
    public let contentDecoders: [String: ContentDecoder]
    let segments: [String]
    /// Set on the router's fallback: its 404s are reported as `not_found`, as unknown paths
    /// are, so missing files do not get a handler label of their own.
    var reportsMissesAsNotFound = false

    /// Creates a route.
    public init(
        _ method: String, _ pattern: String,
        errorFormatter: (@Sendable (HTTPError, HTTPHeaders) -> HTTPResponse)? = nil,
        contentDecoders: [String: ContentDecoder] = [:], handler: Handler
    ) {
        self.method = method.uppercased()
        self.contentDecoders = contentDecoders
        self.pattern = pattern
        self.handler = handler
        self.errorFormatter = errorFormatter
        segments = pattern.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    }

    /// The answer for `error`: an `HTTPError` in the route's format, anything else a 500 whose
    /// body says nothing of the cause (which goes to the server log).
    func errorResponse(_ error: any Error, _ headers: HTTPHeaders) -> HTTPResponse {
        guard let httpError = error as? HTTPError else {
            var response = errorFormatter?(HTTPError.internal, headers) ?? HTTPError.internal.response
            response.failureReason = "\(error)"
            return response
        }
        var response = errorFormatter?(httpError, headers) ?? httpError.response
        if response.failureReason == nil { response.failureReason = httpError.logMessage }
        return response
    }

    /// The path parameters if `path` matches this pattern, or nil.
    func match(_ pathSegments: [String]) -> [String: String]? {
        var parameters: [String: String] = [:]
        for (index, segment) in segments.enumerated() {
            if segment == "*" {
                parameters["*"] = pathSegments[index...].joined(separator: "/")
                return parameters
            }
            guard index < pathSegments.count else { return nil }
            if segment.first == "{", segment.last == "}" {
                parameters[String(segment.dropFirst().dropLast())] = String(pathSegments[index])
            } else if segment != pathSegments[index] {
                return nil
            }
        }
        return pathSegments.count == segments.count ? parameters : nil
    }
}
