/// An error a handler throws to answer with a status and a message instead of 500.
public struct HTTPError: Error, Sendable, Equatable {
    /// The status to answer with.
    public var status: Int
    /// A message for the client, sent as plain text (or in the route's error format).
    public var message: String
    /// Seconds the client should wait before retrying, sent as `Retry-After`.
    public var retryAfterSeconds: Int?
    /// What the server log says about a 5xx, when it differs from `message` (for example a
    /// storage error the client is not told in detail).
    public var logMessage: String?

    /// Creates an error answered with `status` and `message`.
    public init(status: Int, message: String, retryAfterSeconds: Int? = nil, logMessage: String? = nil) {
        self.status = status
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
        self.logMessage = logMessage
    }

    /// The plain-text answer.
    public var response: HTTPResponse {
        var response = HTTPResponse.text(message, status: status)
        if let retryAfterSeconds { response.headers.set("Retry-After", String(retryAfterSeconds)) }
        response.failureReason = logMessage
        return response
    }

    /// The server is draining before it stops.
    public static let shuttingDown = HTTPError(
        status: 503, message: "server is shutting down", retryAfterSeconds: 1)

    /// A failure whose cause is logged, not sent.
    public static let `internal` = HTTPError(status: 500, message: "internal error; the cause is in the server log")

    /// Bodies in flight have used up the server's memory budget.
    public static func overBudget(retryAfterSeconds: Int) -> HTTPError {
        HTTPError(
            status: 503, message: "too much request data in flight; retry later", retryAfterSeconds: retryAfterSeconds)
    }
}
