import Foundation
import HTTPServer
import OTLP
import SwiftProtobuf
import Telemetry

/// The OTLP receiver: `POST /v1/traces`, `/v1/metrics` and `/v1/logs` over HTTP, protobuf or
/// JSON, gzip, deflate and zstd bodies (decoded by the HTTP server); the same exports arrive over gRPC through
/// `OTLPGRPCService`, which calls `exportTraces`, `exportMetrics` and `exportLogs`.
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
    /// Called with log records once they are stored (the dashboard's live tail).
    var onLogs: @Sendable ([LogRow]) -> Void = { _ in }
    /// Sends accepted exports upstream, when forwarding is configured.
    var forwarder: OTLPForwarder?
    /// Longest attribute value or log body stored; longer ones are cut and counted.
    var maxValueBytes = AttributeJSON.defaultMaxValueBytes

    func add(to router: inout Router) {
        let receiver = self
        // Errors found before a handler runs (413, 415, the memory budget, shutdown) get the
        // same google.rpc.Status body as the handler's own.
        let errorFormatter: @Sendable (HTTPError, HTTPHeaders) -> HTTPResponse = { error, headers in
            let encoding = OTLPEncoding(contentType: headers["Content-Type"]) ?? .json
            return encoding.errorResponse(error)
        }
        router.add(Route("POST", "/v1/traces", errorFormatter: errorFormatter, handler: .suspending { request in
            let encoding = try OTLPEncoding(of: request)
            return encoding.answer(await receiver.exportTraces(request.body, encoding: encoding))
        }))
        router.add(Route("POST", "/v1/metrics", errorFormatter: errorFormatter, handler: .suspending { request in
            let encoding = try OTLPEncoding(of: request)
            return encoding.answer(await receiver.exportMetrics(request.body, encoding: encoding))
        }))
        router.add(Route("POST", "/v1/logs", errorFormatter: errorFormatter, handler: .suspending { request in
            let encoding = try OTLPEncoding(of: request)
            return encoding.answer(await receiver.exportLogs(request.body, encoding: encoding))
        }))
    }

    /// Receives one encoded trace export: the answer, or the error to send back (400 for a body
    /// that does not decode, 503 with a retry delay when the write queue is full). A protobuf
    /// export is read in place, so a gRPC message is not copied out of the transport's buffer.
    func exportTraces(
        _ body: some OTLPRequestBody, encoding: OTLPEncoding
    ) async -> Result<Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceResponse, HTTPError> {
        let store = { (converted: SpanConverter.Result) in
            metrics.truncatedValues.increment(by: Int64(converted.truncatedValues))
            return (converted.rows.count, converted.rejections, { () async throws(StorageWriter.WriteError) -> Rejections in
                try await writer.submit(spans: converted.rows)
                onSpans(converted.rows)
                return Rejections()
            })
        }
        // Protobuf bodies are read straight into rows where the wire decoder takes them.
        if encoding == .protobuf,
            let converted = SpanWireDecoder.convert(body, receivedAt: WallClock.nanoseconds(), maxValueBytes: maxValueBytes)
        {
            let (valid, rejections, write) = store(converted)
            return await accept(
                signal: .traces, counters: metrics.spans, valid: valid, rejections: rejections, store: write,
                protobuf: { body.array }, respond: Self.traceResponse)
        }
        let lenient = LenientDecoder(
            resources: \SpanConverter.Request.resourceSpans, scopes: \.scopeSpans, items: \.spans, itemName: "span")
        return await receive(body.array, encoding: encoding, signal: .traces, counters: metrics.spans, lenient: lenient.decode) {
            (decoded: SpanConverter.Request) in
            store(SpanConverter.convert(decoded, receivedAt: WallClock.nanoseconds(), maxValueBytes: maxValueBytes))
        } respond: { rejections in
            Self.traceResponse(rejections)
        }
    }

    /// The answer to a trace export, with `partial_success` when spans were rejected.
    private static func traceResponse(_ rejections: Rejections) -> Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceResponse {
        var response = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceResponse()
        if rejections.count > 0 {
            response.partialSuccess.rejectedSpans = Int64(rejections.count)
            response.partialSuccess.errorMessage = rejections.firstError ?? ""
        }
        return response
    }

    /// Receives one encoded metrics export (see `exportTraces`).
    func exportMetrics(
        _ body: [UInt8], encoding: OTLPEncoding
    ) async -> Result<Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceResponse, HTTPError> {
        let lenient = LenientDecoder(
            resources: \MetricConverter.Request.resourceMetrics, scopes: \.scopeMetrics, items: \.metrics,
            itemName: "metric")
        return await receive(body, encoding: encoding, signal: .metrics, counters: metrics.dataPoints, lenient: lenient.decode) {
            (decoded: MetricConverter.Request) in
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

    /// Receives one encoded logs export (see `exportTraces`).
    func exportLogs(
        _ body: [UInt8], encoding: OTLPEncoding
    ) async -> Result<Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceResponse, HTTPError> {
        let lenient = LenientDecoder(
            resources: \LogConverter.Request.resourceLogs, scopes: \.scopeLogs, items: \.logRecords,
            itemName: "log record")
        return await receive(body, encoding: encoding, signal: .logs, counters: metrics.logRecords, lenient: lenient.decode) {
            (decoded: LogConverter.Request) in
            let converted = LogConverter.convert(decoded, receivedAt: WallClock.nanoseconds(), maxValueBytes: maxValueBytes)
            metrics.truncatedValues.increment(by: Int64(converted.truncatedValues))
            return (converted.rows.count, converted.rejections, { () async throws(StorageWriter.WriteError) -> Rejections in
                try await writer.submit(logs: converted.rows)
                onLogs(converted.rows)
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

    /// The path every signal and transport shares: decode, convert, store, count, answer.
    ///
    /// `lenient` takes a protobuf body apart when it does not decode whole (one invalid item
    /// must not lose the valid ones beside it). `convert` returns how many items are valid,
    /// the rejections found while converting, and the store step, which may reject more
    /// (metrics over the series limit) or fail with a `StorageWriter.WriteError`.
    private func receive<Request: SwiftProtobuf.Message, Response: SwiftProtobuf.Message>(
        _ body: [UInt8], encoding: OTLPEncoding, signal: OTLPSignal, counters: SignalCounters,
        lenient: ([UInt8]) -> (Request, Rejections)?,
        convert: (Request) -> (valid: Int, rejections: Rejections, store: () async throws(StorageWriter.WriteError) -> Rejections),
        respond: (Rejections) -> Response
    ) async -> Result<Response, HTTPError> {
        let decoded: Request
        var decodeRejections = Rejections()
        do {
            decoded = try encoding.decode(Request.self, from: body)
        } catch {
            guard encoding == .protobuf, let (partial, rejected) = lenient(body) else {
                return .failure(error)
            }
            decoded = partial
            decodeRejections = rejected
        }
        let (valid, converted, store) = convert(decoded)
        var rejections = decodeRejections
        rejections.add(converted)
        return await accept(
            signal: signal, counters: counters, valid: valid, rejections: rejections, store: store,
            protobuf: { encoding == .protobuf ? body : ((try? decoded.serializedBytes()) ?? []) }, respond: respond)
    }

    /// Stores what an export holds, counts it and answers: `valid` items and the `rejections`
    /// found so far (the store step may add more); `protobuf` gives the export for the forwarder.
    private func accept<Response: SwiftProtobuf.Message>(
        signal: OTLPSignal, counters: SignalCounters, valid: Int, rejections found: Rejections,
        store: () async throws(StorageWriter.WriteError) -> Rejections, protobuf: () -> [UInt8],
        respond: (Rejections) -> Response
    ) async -> Result<Response, HTTPError> {
        var rejections = found
        do {
            rejections.add(try await store())
        } catch {
            counters.rejected.increment(by: Int64(rejections.count))
            counters.dropped.increment(by: Int64(valid))
            return .failure(
                HTTPError(
                    status: 503, message: error.clientMessage, retryAfterSeconds: 1,
                    logMessage: "\(signal.path): \(error.message)"))
        }
        counters.rejected.increment(by: Int64(rejections.count))
        let accepted = valid - (rejections.count - found.count)
        counters.received.increment(by: Int64(accepted))
        if let forwarder, accepted > 0 {
            // The export goes on as received (upstream judges invalid items itself), in protobuf.
            forwarder.forward(signal, body: protobuf(), items: accepted)
        }
        return .success(respond(rejections))
    }
}
