import GRPCCore
import GRPCProtobuf

/// Whether a failed OTLP/gRPC export may be sent again, and when, as the OTLP specification
/// says: `CANCELLED`, `DEADLINE_EXCEEDED`, `ABORTED`, `OUT_OF_RANGE`, `UNAVAILABLE` and
/// `DATA_LOSS` are retryable; `RESOURCE_EXHAUSTED` only when the receiver sent a
/// `google.rpc.RetryInfo` (it can recover); everything else is final. A `RetryInfo` detail
/// gives the delay.
struct GRPCRetryDecision: Sendable, Equatable {
    /// Whether sending again can succeed.
    let retryable: Bool
    /// The delay the receiver asked for, if any.
    let retryDelay: Duration?

    init(_ error: RPCError) {
        let status = try? error.unpackGoogleRPCStatus()
        retryDelay = status?.details.lazy.compactMap { $0.retryInfo?.delay }.first
        switch error.code {
        case .cancelled, .deadlineExceeded, .aborted, .outOfRange, .unavailable, .dataLoss:
            retryable = true
        case .resourceExhausted:
            retryable = retryDelay != nil
        default:
            retryable = false
        }
    }
}
