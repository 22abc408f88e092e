/// A handler bound to a method and a path pattern.
///
/// Patterns are literal segments, `{name}` segments that capture one segment, and a final `*`
/// that captures the rest of the path as the parameter `*`.
public struct Route: Sendable {
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
    let segments: [Substring]

    /// Creates a route.
    public init(_ method: String, _ pattern: String, handler: Handler) {
        self.method = method.uppercased()
        self.pattern = pattern
        self.handler = handler
        segments = pattern.split(separator: "/", omittingEmptySubsequences: true)
    }

    /// The path parameters if `path` matches this pattern, or nil.
    func match(_ pathSegments: [Substring]) -> [String: String]? {
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
