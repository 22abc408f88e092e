import Foundation
import HTTPServer
import OTLP
import SwiftProtobuf
import Telemetry

/// The OTLP/HTTP receiver: `POST /v1/traces`, `/v1/metrics` and `/v1/logs`, protobuf or JSON,
/// gzip bodies (inflated by the HTTP server).
///
/// Decoding runs on a Swift task while the connection is suspended, never on an HTTP worker.
/// Spans and logs are answered 200 only after their rows are committed; metrics once they are
/// in the store behind `/metrics`. Invalid items are dropped and counted in `partial_success`;
/// an undecodable body gets 400 and a full write queue 503 with `Retry-After`, both with a
/// `google.rpc.Status` body in the request's encoding.
struct OTLPReceiver: Sendable {
    let writer: StorageWriter
    let metricStore: OTLPMetricStore
    let metrics: IngestMetrics
    /// Called with spans once they are stored (span metrics).
    var onSpans: @Sendable ([SpanRow]) -> Void = { _ in }
    /// Sends accepted exports upstream, when forwarding is configured.
    var forwarder: OTLPForwarder?

    func add(to router: inout Router) {
        let receiver = self
        router.add(Route("POST", "/v1/traces", handler: .suspending { try await receiver.receiveTraces($0) }))
        router.add(Route("POST", "/v1/metrics", handler: .suspending { try await receiver.receiveMetrics($0) }))
        router.add(Route("POST", "/v1/logs", handler: .suspending { try await receiver.receiveLogs($0) }))
    }

    func receiveTraces(_ request: HTTPRequest) async throws -> HTTPResponse {
        try await receive(request, signal: .traces, counters: metrics.spans) { (decoded: SpanConverter.Request) in
            let converted = SpanConverter.convert(decoded, receivedAt: WallClock.nanoseconds())
            return (converted.rows.count, converted.rejections, { () async throws(StorageWriter.WriteError) -> Rejections in
                try await writer.submit(spans: converted.rows)
                onSpans(converted.rows)
                return Rejections()
            })
        } respond: { (rejections: Rejections) -> Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceResponse in
            var response = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceResponse()
            if rejections.count > 0 {
                response.partialSuccess.rejectedSpans = Int64(rejections.count)
                response.partialSuccess.errorMessage = rejections.firstError ?? ""
            }
            return response
        }
    }

    func receiveMetrics(_ request: HTTPRequest) async throws -> HTTPResponse {
        try await receive(request, signal: .metrics, counters: metrics.dataPoints) { (decoded: MetricConverter.Request) in
            let converted = MetricConverter.convert(decoded)
            return (converted.points - converted.rejections.count, converted.rejections, { () async throws(StorageWriter.WriteError) -> Rejections in
                metricStore.apply(converted.updates)
            })
        } respond: { (rejections: Rejections) -> Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceResponse in
            var response = Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceResponse()
            if rejections.count > 0 {
                response.partialSuccess.rejectedDataPoints = Int64(rejections.count)
                response.partialSuccess.errorMessage = rejections.firstError ?? ""
            }
            return response
        }
    }

    func receiveLogs(_ request: HTTPRequest) async throws -> HTTPResponse {
        try await receive(request, signal: .logs, counters: metrics.logRecords) { (decoded: LogConverter.Request) in
            let converted = LogConverter.convert(decoded, receivedAt: WallClock.nanoseconds())
            return (converted.rows.count, converted.rejections, { () async throws(StorageWriter.WriteError) -> Rejections in
                try await writer.submit(logs: converted.rows)
                return Rejections()
            })
        } respond: { (rejections: Rejections) -> Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceResponse in
            var response = Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceResponse()
            if rejections.count > 0 {
                response.partialSuccess.rejectedLogRecords = Int64(rejections.count)
                response.partialSuccess.errorMessage = rejections.firstError ?? ""
            }
            return response
        }
    }

    /// The path every signal shares: pick the encoding, decode, convert, store, count, answer.
    ///
    /// `convert` returns how many items are valid, the rejections found while converting, and
    /// the store step, which may reject more (metrics over the series limit) or fail with a
    /// `StorageWriter.WriteError`.
    private func receive<Request: SwiftProtobuf.Message, Response: SwiftProtobuf.Message>(
        _ request: HTTPRequest, signal: OTLPSignal, counters: SignalCounters,
        convert: (Request) -> (valid: Int, rejections: Rejections, store: () async throws(StorageWriter.WriteError) -> Rejections),
        respond: (Rejections) -> Response
    ) async throws -> HTTPResponse {
        guard let encoding = OTLPEncoding(contentType: request.headers["Content-Type"]) else {
            throw HTTPError(
                status: 415,
                message: "unsupported Content-Type \"\(request.headers["Content-Type"] ?? "")\"; "
                    + "use application/x-protobuf or application/json")
        }
        let decoded: Request
        do {
            decoded = try encoding.decode(Request.self, from: request.body)
        } catch {
            return encoding.errorResponse(status: 400, code: .invalidArgument, message: error.message)
        }
        let (valid, converted, store) = convert(decoded)
        var rejections = converted
        do {
            rejections.add(try await store())
        } catch {
            counters.rejected.increment(by: Int64(rejections.count))
            counters.dropped.increment(by: Int64(valid))
            return encoding.errorResponse(
                status: 503, code: .unavailable, message: error.message, retryAfterSeconds: 1)
        }
        counters.rejected.increment(by: Int64(rejections.count))
        let accepted = valid - (rejections.count - converted.count)
        counters.received.increment(by: Int64(accepted))
        if let forwarder, accepted > 0 {
            // The export goes on as received (upstream judges invalid items itself), in protobuf.
            let body = encoding == .protobuf ? request.body : ((try? decoded.serializedBytes()) ?? [])
            forwarder.forward(signal, body: body, items: accepted)
        }
        return encoding.response(respond(rejections))
    }
}
