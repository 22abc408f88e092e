import AsyncHTTPClient
import Foundation
import GzipCodec
import Logging
import NIOCore
import NIOHTTP1
import SwiftProtobuf

/// Sends encoded OTLP bodies to one endpoint: sets the content type, compression and headers;
/// `HTTPDelivery` retries 429, 502, 503, 504 and connection failures with backoff, honouring
/// `Retry-After`. Other answers (400, 413, …) fail at once: sending the same body again cannot
/// succeed.
struct OTLPHTTPSender: Sendable {
    /// The outcome of one send, with the body of the successful answer.
    enum Outcome: Sendable {
        case delivered(body: [UInt8])
        case failed(String)
    }

    let configuration: OTLPExporterConfiguration
    let client: HTTPClient
    let logger: Logger

    /// The content type of the configured encoding.
    var contentType: String {
        configuration.wireProtocol == .httpJSON ? "application/json" : "application/x-protobuf"
    }

    /// Encodes `message` in the configured encoding and sends it.
    func send(_ message: some SwiftProtobuf.Message) async -> Outcome {
        do {
            return await post(try OTLPBody.encode(message, as: configuration.wireProtocol))
        } catch {
            return .failed("could not encode the request: \(error)")
        }
    }

    /// Sends one export request and reports the receiver's answer (`ExportReport`).
    func export<Response: SwiftProtobuf.Message>(
        _ request: some SwiftProtobuf.Message, count: Int, noun: String, response: Response.Type,
        rejected: (Response) -> (count: Int64, message: String)?
    ) async -> ExportResult {
        switch await send(request) {
        case .delivered(let answer):
            let decoded = try? OTLPBody.decode(Response.self, from: answer, as: configuration.wireProtocol)
            return ExportReport.delivered(rejected: decoded.flatMap(rejected), noun: noun, logger: logger)
        case .failed(let reason):
            return ExportReport.failed(reason, count: count, noun: noun, logger: logger)
        }
    }

    private func post(_ body: [UInt8]) async -> Outcome {
        var headers = [("Content-Type", contentType), ("User-Agent", "telemetry-swift/\(TelemetryVersion.current)")]
        var payload = body
        if configuration.compression == .gzip, let compressed = Gzip.deflate(body) {
            payload = compressed
            headers.append(("Content-Encoding", "gzip"))
        }
        headers += configuration.headers.map { ($0.key, $0.value) }
        let delivery = HTTPDelivery(client: client, retry: configuration.retry, timeout: configuration.timeout, logger: logger)
        switch await delivery.post(configuration.endpoint, headers: headers, body: payload) {
        case .delivered(let body): return .delivered(body: body)
        case .refused(_, let message): return .failed(message)
        case .gaveUp(let reason): return .failed(reason)
        }
    }
}
