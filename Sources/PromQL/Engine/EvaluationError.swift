/// Why a query could not be evaluated, with the `errorType` Prometheus's API reports.
public struct EvaluationError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// Bad parameters or expression (HTTP 400).
        case badData = "bad_data"
        /// Evaluation failed (HTTP 422).
        case execution
        /// The query ran out of time (HTTP 503).
        case timeout
        /// The query was cancelled (HTTP 499).
        case canceled
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
