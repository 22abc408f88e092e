import AsyncHTTPClient
import Foundation
import GzipCodec
import Logging
import NIOCore
import NIOHTTP1
import SwiftProtobuf

/// Sends encoded OTLP bodies to one endpoint: sets the content type, compression and headers,
/// and retries 429, 502, 503, 504 and connection failures with backoff, honouring
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

    private func post(_ body: [UInt8]) async -> Outcome {
        var request = HTTPClientRequest(url: configuration.endpoint)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: contentType)
        request.headers.add(name: "User-Agent", value: "telemetry-swift/\(TelemetryVersion.current)")
        for (name, value) in configuration.headers { request.headers.replaceOrAdd(name: name, value: value) }
        var payload = body
        if configuration.compression == .gzip, let compressed = Gzip.deflate(body) {
            payload = compressed
            request.headers.add(name: "Content-Encoding", value: "gzip")
        }
        let timeout = TimeAmount.nanoseconds(Int64(configuration.timeout.components.seconds) * 1_000_000_000
            + configuration.timeout.components.attoseconds / 1_000_000_000)
        var attempt = 1
        while true {
            request.body = .bytes(ByteBuffer(bytes: payload))
            let failure: String
            var retryAfter: Duration?
            do {
                let response = try await client.execute(request, timeout: timeout)
                let answer = try await response.body.collect(upTo: 4 * 1024 * 1024)
                let bytes = Array(answer.readableBytesView)
                let status = response.status.code
                if (200..<300).contains(status) { return .delivered(body: bytes) }
                failure = "\(configuration.endpoint) answered \(status): \(Self.summary(bytes))"
                guard [429, 502, 503, 504].contains(status) else { return .failed(failure) }
                if let header = response.headers.first(name: "Retry-After") {
                    guard let delay = Self.retryAfter(header) else { return .failed(failure + " (bad Retry-After)") }
                    guard delay <= configuration.retry.maxRetryAfter else {
                        return .failed(failure + " (Retry-After \(header) is longer than the policy allows)")
                    }
                    retryAfter = delay
                }
            } catch {
                if Task.isCancelled { return .failed("cancelled") }
                failure = "\(configuration.endpoint): \(error)"
            }
            guard attempt < configuration.retry.maxAttempts else {
                return .failed(failure + " (gave up after \(attempt) attempts)")
            }
            let delay = retryAfter ?? configuration.retry.backoff(beforeRetry: attempt)
            logger.debug("OTLP export failed, retrying", metadata: ["reason": "\(failure)", "delay": "\(delay)"])
            do { try await Task.sleep(for: delay) } catch { return .failed("cancelled") }
            attempt += 1
        }
    }

    /// `Retry-After` as delay-seconds or an HTTP date.
    static func retryAfter(_ header: String, now: Date = Date()) -> Duration? {
        let text = header.trimmingCharacters(in: .whitespaces)
        if let seconds = Int(text), seconds >= 0 { return .seconds(seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: text) else { return nil }
        return .milliseconds(max(0, Int(date.timeIntervalSince(now) * 1000)))
    }

    /// The start of an error body, for the log and the failure message.
    private static func summary(_ body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(200), as: UTF8.self)
        return text.isEmpty ? "(empty body)" : text
    }
}
