/// A request that was answered, reported to the server's observer for metrics.
public struct CompletedRequest: Sendable {
    /// The matched route pattern, or `not_found` / `method_not_allowed` / `rejected`.
    public var handler: String
    /// The request method, normalised to a known method or `other` so labels stay bounded.
    public var method: String
    /// The status code sent.
    public var status: Int
    /// Seconds from the first header callback to the response being queued.
    public var durationSeconds: Double
}
