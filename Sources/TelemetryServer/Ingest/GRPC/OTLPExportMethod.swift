import GRPCCore

/// One OTLP `Export` method (`TraceService`, `MetricsService` or `LogsService`): its name, and
/// how a request message is turned into the response message. An `HTTPError` thrown by
/// `export` is the receive path's failure, mapped to a gRPC status by `OTLPGRPCService`.
struct OTLPExportMethod: Sendable {
    let descriptor: MethodDescriptor
    let export: @Sendable (any OTLPRequestBody) async throws -> [UInt8]

    /// The HTTP/2 `:path` of the method's calls.
    var path: String { "/" + descriptor.fullyQualifiedMethod }
}
