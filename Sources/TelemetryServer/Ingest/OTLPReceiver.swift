import Foundation
import HTTPServer
import OTLP
import Telemetry

/// The OTLP/HTTP receiver: `POST /v1/traces` and `/v1/logs`, protobuf or JSON, gzip bodies
/// (inflated by the HTTP server).
///
/// Decoding runs on a Swift task while the connection is suspended, never on an HTTP worker.
/// 200 is answered only after the rows are committed. Invalid items are dropped and counted in
/// `partial_success`; an undecodable body gets 400 and a full write queue 503 with
/// `Retry-After`, both with a `google.rpc.Status` body in the request's encoding.
struct OTLPReceiver: Sendable {
    let writer: StorageWriter
    let metrics: IngestMetrics

    func add(to router: inout Router) {
        let receiver = self
        router.add(Route("POST", "/v1/traces", handler: .suspending { try await receiver.receiveTraces($0) }))
        router.add(Route("POST", "/v1/logs", handler: .suspending { try await receiver.receiveLogs($0) }))
    }

    private func encoding(of request: HTTPRequest) throws(HTTPError) -> OTLPEncoding {
        guard let encoding = OTLPEncoding(contentType: request.headers["Content-Type"]) else {
            throw HTTPError(
                status: 415,
                message: "unsupported Content-Type \"\(request.headers["Content-Type"] ?? "")\"; "
                    + "use application/x-protobuf or application/json")
        }
        return encoding
    }

    func receiveTraces(_ request: HTTPRequest) async throws -> HTTPResponse {
        let encoding = try encoding(of: request)
        let decoded: SpanConverter.Request
        do {
            decoded = try encoding.decode(SpanConverter.Request.self, from: request.body)
        } catch {
            return encoding.errorResponse(status: 400, code: .invalidArgument, message: error.message)
        }
        let converted = SpanConverter.convert(decoded, receivedAt: WallClock.nanoseconds())
        metrics.rejectedSpans.increment(by: Int64(converted.rejected))
        if let failure = await store(spans: converted.rows, logs: [], encoding: encoding) {
            metrics.droppedSpans.increment(by: Int64(converted.rows.count))
            return failure
        }
        metrics.receivedSpans.increment(by: Int64(converted.rows.count))
        var response = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceResponse()
        if converted.rejected > 0 {
            response.partialSuccess.rejectedSpans = Int64(converted.rejected)
            response.partialSuccess.errorMessage = converted.firstError ?? ""
        }
        return encoding.response(response)
    }

    func receiveLogs(_ request: HTTPRequest) async throws -> HTTPResponse {
        let encoding = try encoding(of: request)
        let decoded: LogConverter.Request
        do {
            decoded = try encoding.decode(LogConverter.Request.self, from: request.body)
        } catch {
            return encoding.errorResponse(status: 400, code: .invalidArgument, message: error.message)
        }
        let converted = LogConverter.convert(decoded, receivedAt: WallClock.nanoseconds())
        metrics.rejectedLogRecords.increment(by: Int64(converted.rejected))
        if let failure = await store(spans: [], logs: converted.rows, encoding: encoding) {
            metrics.droppedLogRecords.increment(by: Int64(converted.rows.count))
            return failure
        }
        metrics.receivedLogRecords.increment(by: Int64(converted.rows.count))
        var response = Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceResponse()
        if converted.rejected > 0 {
            response.partialSuccess.rejectedLogRecords = Int64(converted.rejected)
            response.partialSuccess.errorMessage = converted.firstError ?? ""
        }
        return encoding.response(response)
    }

    /// nil when committed; otherwise the 503 to answer.
    private func store(spans: [SpanRow], logs: [LogRow], encoding: OTLPEncoding) async -> HTTPResponse? {
        do {
            try await writer.submit(spans: spans, logs: logs)
            return nil
        } catch {
            let message: String
            switch error {
            case .overloaded: message = "write queue is full; retry later"
            case .stopped: message = "server is shutting down"
            case .failed(let reason): message = "storage failed: \(reason)"
            }
            return encoding.errorResponse(status: 503, code: .unavailable, message: message, retryAfterSeconds: 1)
        }
    }
}
