import GRPCCore
import GRPCNIOTransportCore
import GRPCProtobuf
import HTTPServer
import NIOHTTP2
import OTLP
import OTLPGRPC
import SwiftProtobuf

/// The OTLP/gRPC collector services: `TraceService`, `MetricsService` and `LogsService`
/// `Export`, each answered by the same receive path as OTLP/HTTP (decoding with partial
/// success, storage, limits, forwarding).
///
/// Failures map to the codes the OTLP specification gives: a message that does not decode is
/// `INVALID_ARGUMENT` (not retryable); a full write queue is `UNAVAILABLE` with a
/// `google.rpc.RetryInfo` detail saying when to try again; a message over the size limit
/// (after decompression) is `RESOURCE_EXHAUSTED`. Decompression is the transport's (see
/// `OTLPGRPCServer`).
struct OTLPGRPCService: RegistrableRPCService {
    let receiver: OTLPReceiver
    let metrics: GRPCMetrics
    /// Largest message accepted, after decompression; larger ones are `RESOURCE_EXHAUSTED`.
    let maxMessageBytes: Int
    /// Memory for request bodies in flight, shared with the HTTP listener. The bytes on the
    /// wire are counted as they arrive (`StreamBodyBudgetHandler`); a compressed message's
    /// inflated size is counted here too, as the HTTP listener counts an inflated gzip body.
    let bodyBudget: BodyBudget

    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        let receiver = receiver
        register(Opentelemetry_Proto_Collector_Trace_V1_TraceService.Method.Export.descriptor, with: &router) {
            try await receiver.exportTraces($0, encoding: .protobuf).get().serializedBytes()
        }
        register(Opentelemetry_Proto_Collector_Metrics_V1_MetricsService.Method.Export.descriptor, with: &router) {
            try await receiver.exportMetrics($0.array, encoding: .protobuf).get().serializedBytes()
        }
        register(Opentelemetry_Proto_Collector_Logs_V1_LogsService.Method.Export.descriptor, with: &router) {
            try await receiver.exportLogs($0.array, encoding: .protobuf).get().serializedBytes()
        }
    }

    /// Registers one unary `Export` method whose handler turns request bytes into response
    /// bytes; an `HTTPError` it throws becomes the matching gRPC status.
    private func register<Transport: ServerTransport>(
        _ method: MethodDescriptor, with router: inout RPCRouter<Transport>,
        export: @escaping @Sendable (GRPCNIOTransportBytes) async throws -> [UInt8]
    ) {
        let metrics = metrics
        let limit = maxMessageBytes
        let budget = bodyBudget
        router.registerHandler(
            forMethod: method, deserializer: RawMessageDeserializer(), serializer: RawMessageSerializer()
        ) { request, _ in
            // Stay on the connection's event loop when resumed from elsewhere (see
            // `EventLoopTaskExecutor`).
            try await withTaskExecutorPreference(EventLoopTaskExecutor.currentLoop()) {
                try await Self.handle(
                    request, method: method, metrics: metrics, limit: limit, budget: budget, export: export)
            }
        }
    }

    /// One call: the request's single message, its size checked, through `export`.
    private static func handle(
        _ request: StreamingServerRequest<GRPCNIOTransportBytes>, method: MethodDescriptor, metrics: GRPCMetrics, limit: Int,
        budget: BodyBudget, export: @Sendable (GRPCNIOTransportBytes) async throws -> [UInt8]
    ) async throws -> StreamingServerResponse<[UInt8]> {
        let single: ServerRequest<GRPCNIOTransportBytes>
        do {
            single = try await ServerRequest(stream: request)
        } catch {
            metrics.record(method, code: Self.code(forUnreadRequest: error))
            throw error
        }
        guard single.message.count <= limit else {
            metrics.record(method, code: .resourceExhausted)
            throw RPCError(
                code: .resourceExhausted,
                message: "message of \(single.message.count) bytes is over the \(limit)-byte limit")
        }
        do {
            let inflated = Self.isCompressed(request.metadata) ? single.message.count : 0
            guard budget.reserve(inflated) else { throw HTTPError.overBudget(retryAfterSeconds: 1) }
            defer { budget.release(inflated) }
            let response = try await export(single.message)
            metrics.record(method, code: nil)
            return StreamingServerResponse(single: ServerResponse(message: response))
        } catch let error as HTTPError {
            let status = Self.status(for: error)
            metrics.record(method, code: status.code)
            throw status
        }
    }

    /// The status to count for a call whose message could not be read: the transport's own, or
    /// for a stream that closed first, `UNAVAILABLE` when it was refused for want of memory
    /// (`StreamBodyBudgetHandler`; what the client sees too) and `CANCELLED` otherwise.
    static func code(forUnreadRequest error: any Error) -> RPCError.Code {
        if let error = error as? RPCError { return error.code }
        if let closed = error as? NIOHTTP2Errors.StreamClosed { return closed.errorCode == .refusedStream ? .unavailable : .cancelled }
        return .invalidArgument
    }

    /// Whether the call's message came compressed (`grpc-encoding` other than `identity`).
    static func isCompressed(_ metadata: Metadata) -> Bool {
        metadata[stringValues: "grpc-encoding"].contains { $0 != "identity" }
    }

    /// The gRPC status for a receive error, as the OTLP specification maps them.
    static func status(for error: HTTPError) -> GoogleRPCStatus {
        switch error.status {
        case 400, 415:
            return GoogleRPCStatus(code: .invalidArgument, message: error.message, details: [])
        case 413:
            return GoogleRPCStatus(code: .resourceExhausted, message: error.message, details: [])
        case 429, 503:
            let delay = Duration.seconds(error.retryAfterSeconds ?? 1)
            return GoogleRPCStatus(code: .unavailable, message: error.message, details: [.retryInfo(delay: delay)])
        default:
            return GoogleRPCStatus(code: .internalError, message: error.message, details: [])
        }
    }
}
