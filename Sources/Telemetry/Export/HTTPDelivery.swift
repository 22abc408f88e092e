import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// Delivers one request body to an HTTP endpoint with retries: the one place that decides
/// what is retried and how long to wait, shared by the OTLP exporter, telemetryd's OTLP
/// forwarder and its remote-write sender.
///
/// Connection failures and the `retryable` statuses are retried with exponential backoff and
/// jitter (`RetryPolicy`), or after the server's `Retry-After` (delay-seconds or an HTTP date)
/// when it sends one. Any other answer ends the delivery: sending the same body again cannot
/// succeed.
public struct HTTPDelivery: Sendable {
    /// How a delivery ended.
    public enum Outcome: Sendable, Equatable {
        /// A 2xx answer, with its body.
        case delivered(body: [UInt8])
        /// An answer that retrying cannot change (most 4xx), with its status and a summary.
        case refused(status: UInt, message: String)
        /// Retries exhausted, a `Retry-After` longer than the policy allows, or cancellation.
        case gaveUp(String)
    }

    /// The statuses OTLP retries.
    public static let otlpRetryable: Set<UInt> = [429, 502, 503, 504]
    /// The statuses Prometheus remote write retries: every 5xx, and 429.
    public static let remoteWriteRetryable: Set<UInt> = Set(500..<600).union([429])

    public let client: HTTPClient
    public var retry: RetryPolicy
    public var timeout: Duration
    public var retryable: Set<UInt>
    public var logger: Logger

    /// Creates a delivery helper over `client`.
    public init(
        client: HTTPClient, retry: RetryPolicy = RetryPolicy(), timeout: Duration = .seconds(10),
        retryable: Set<UInt> = HTTPDelivery.otlpRetryable, logger: Logger = Logger(label: "telemetry.delivery")
    ) {
        self.client = client
        self.retry = retry
        self.timeout = timeout
        self.retryable = retryable
        self.logger = logger
    }

    /// POSTs `body` to `url` with `headers` until it is delivered, refused or given up on.
    /// `onRetry` runs before each retry (for counting).
    public func post(
        _ url: String, headers: [(String, String)], body: [UInt8], onRetry: @Sendable () -> Void = {}
    ) async -> Outcome {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        let deadline = TimeAmount.nanoseconds(
            Int64(timeout.components.seconds) * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000)
        var attempt = 1
        while true {
            request.body = .bytes(ByteBuffer(bytes: body))
            let failure: String
            var retryAfter: Duration?
            do {
                let response = try await client.execute(request, timeout: deadline)
                let answer = Array(try await response.body.collect(upTo: 4 * 1024 * 1024).readableBytesView)
                let status = response.status.code
                if (200..<300).contains(status) { return .delivered(body: answer) }
                failure = "\(url) answered \(status): \(Self.summary(answer))"
                guard retryable.contains(status) else { return .refused(status: status, message: failure) }
                if let header = response.headers.first(name: "Retry-After") {
                    guard let delay = Self.retryAfter(header) else { return .gaveUp(failure + " (bad Retry-After)") }
                    guard delay <= retry.maxRetryAfter else {
                        return .gaveUp(failure + " (Retry-After \(header) is longer than the policy allows)")
                    }
                    retryAfter = delay
                }
            } catch {
                if Task.isCancelled { return .gaveUp("cancelled") }
                failure = "\(url): \(error)"
            }
            guard attempt < retry.maxAttempts else { return .gaveUp(failure + " (gave up after \(attempt) attempts)") }
            let delay = retryAfter ?? retry.backoff(beforeRetry: attempt)
            logger.debug("delivery failed, retrying", metadata: ["reason": "\(failure)", "delay": "\(delay)"])
            onRetry()
            do { try await Task.sleep(for: delay) } catch { return .gaveUp("cancelled") }
            attempt += 1
        }
    }

    /// `Retry-After` as delay-seconds or an HTTP date.
    public static func retryAfter(_ header: String, now: Date = Date()) -> Duration? {
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
