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
/// (after decompression) is `RESOURCE_EXHAUSTED`. Ordinary calls reach `answer` from
/// `OTLPExportStreamHandler`, which reads their frames itself; the rest from grpc-swift, through
/// the methods registered here, after grpc-swift's transport has decompressed them (see
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

    /// The three `Export` methods, each with how its message is answered.
    var exportMethods: [OTLPExportMethod] {
        let receiver = receiver
        return [
            OTLPExportMethod(descriptor: Opentelemetry_Proto_Collector_Trace_V1_TraceService.Method.Export.descriptor) {
                try await receiver.exportTraces($0, encoding: .protobuf).get().serializedBytes()
            },
            OTLPExportMethod(descriptor: Opentelemetry_Proto_Collector_Metrics_V1_MetricsService.Method.Export.descriptor) {
                try await receiver.exportMetrics($0.array, encoding: .protobuf).get().serializedBytes()
            },
            OTLPExportMethod(descriptor: Opentelemetry_Proto_Collector_Logs_V1_LogsService.Method.Export.descriptor) {
                try await receiver.exportLogs($0.array, encoding: .protobuf).get().serializedBytes()
            },
        ]
    }

    /// Registers the `Export` methods with grpc-swift, for the calls `OTLPExportStreamHandler`
    /// passes on (compression other than gzip, malformed headers).
    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        for method in exportMethods {
            router.registerHandler(
                forMethod: method.descriptor, deserializer: RawMessageDeserializer(), serializer: RawMessageSerializer()
            ) { request, _ in
                // Stay on the connection's event loop when resumed from elsewhere (see
                // `EventLoopTaskExecutor`).
                try await withTaskExecutorPreference(EventLoopTaskExecutor.currentLoop()) {
                    let single: ServerRequest<GRPCNIOTransportBytes>
                    do {
                        single = try await ServerRequest(stream: request)
                    } catch {
                        metrics.record(method.descriptor, code: Self.code(forUnreadRequest: error))
                        throw error
                    }
                    let inflated = Self.isCompressed(request.metadata) ? single.message.count : 0
                    let response = try await answer(single.message, method: method, inflatedBytes: inflated).get()
                    return StreamingServerResponse(single: ServerResponse(message: response))
                }
            }
        }
    }

    /// Answers one call's message, read whole (and inflated, when `inflatedBytes` is not 0: its
    /// inflated size, counted against the memory budget while it is handled): the response
    /// message, or the status to end the call with. Counts the call by its status.
    func answer(_ message: some OTLPRequestBody, method: OTLPExportMethod, inflatedBytes: Int) async -> Result<[UInt8], RPCError> {
        guard message.byteCount <= maxMessageBytes else {
            metrics.record(method.descriptor, code: .resourceExhausted)
            return .failure(Self.overLimit(bytes: message.byteCount, limit: maxMessageBytes))
        }
        guard bodyBudget.reserve(inflatedBytes) else {
            let status = Self.status(for: .overBudget(retryAfterSeconds: 1))
            metrics.record(method.descriptor, code: status.code)
            return .failure(RPCError(status))
        }
        defer { bodyBudget.release(inflatedBytes) }
        do {
            let response = try await method.export(message)
            metrics.record(method.descriptor, code: nil)
            return .success(response)
        } catch let error as HTTPError {
            let status = Self.status(for: error)
            metrics.record(method.descriptor, code: status.code)
            return .failure(RPCError(status))
        } catch {
            metrics.record(method.descriptor, code: .internalError)
            return .failure(RPCError(code: .internalError, message: "\(error)"))
        }
    }

    /// The status of a message over the size limit.
    static func overLimit(bytes: Int, limit: Int) -> RPCError {
        RPCError(code: .resourceExhausted, message: "message of \(bytes) bytes is over the \(limit)-byte limit")
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
