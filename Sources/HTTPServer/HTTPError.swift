/// An error a handler throws to answer with a status and a message instead of 500.
public struct HTTPError: Error, Sendable, Equatable {
    /// The status to answer with.
    public var status: Int
    /// A message for the client, sent as plain text.
    public var message: String

    /// Creates an error answered with `status` and `message`.
    public init(status: Int, message: String) {
        self.status = status
        self.message = message
    }

    var response: HTTPResponse { .text(message, status: status) }

    /// The answer for an error escaping a handler: its own status for `HTTPError`, else 500.
    static func response(for error: any Error) -> HTTPResponse {
        (error as? HTTPError)?.response ?? .text("internal error: \(error)", status: 500)
    }
}
