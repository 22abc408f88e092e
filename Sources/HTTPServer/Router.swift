/// Finds the route for a method and path, or says why there is none.
public struct Router: Sendable {
    /// The outcome of a lookup.
    public enum Resolution: Sendable {
        /// A route matched; the parameters come from `{name}` segments.
        case matched(Route, parameters: [String: String])
        /// The path exists with other methods (answer 405 with this `Allow` list).
        case methodNotAllowed(allowed: [String])
        /// No route has this path.
        case notFound
    }

    private(set) var routes: [Route] = []
    /// Answers paths no route has (static files), for its method only; other methods on such
    /// paths still get 404, not 405.
    private(set) var fallback: Route?

    /// Creates an empty router.
    public init() {}

    /// Adds a route; earlier routes win when two patterns match.
    public mutating func add(_ route: Route) {
        routes.append(route)
    }

    /// Sets the route for paths that no other route has.
    public mutating func setFallback(_ route: Route) {
        var route = route
        route.reportsMissesAsNotFound = true
        fallback = route
    }

    /// Resolves `method` and a path as sent (percent-encoded).
    public func resolve(method: String, path: String) -> Resolution {
        resolve(method: method, segments: (try? RequestTarget(path))?.segments ?? [])
    }

    /// Resolves `method` and the path's decoded segments. Routing on segments decoded one by
    /// one keeps an escaped `/` (`%2F`) inside its segment.
    public func resolve(method: String, segments pathSegments: [String]) -> Resolution {
        let wanted = method == "HEAD" ? "GET" : method
        var allowed: [String] = []
        for route in routes {
            guard let parameters = route.match(pathSegments) else { continue }
            if route.method == wanted { return .matched(route, parameters: parameters) }
            if !allowed.contains(route.method) { allowed.append(route.method) }
        }
        if allowed.isEmpty {
            if let fallback, fallback.method == wanted, let parameters = fallback.match(pathSegments) {
                return .matched(fallback, parameters: parameters)
            }
            return .notFound
        }
        if allowed.contains("GET") { allowed.append("HEAD") }
        return .methodNotAllowed(allowed: allowed)
    }
}
