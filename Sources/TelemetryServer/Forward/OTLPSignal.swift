/// The three OTLP signals, with the path each is posted to.
enum OTLPSignal: String, Sendable, CaseIterable {
    case traces
    case metrics
    case logs

    /// `/v1/traces` and so on.
    var path: String { "/v1/\(rawValue)" }
}
