import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Telemetry

/// Sends what the receiver accepted on to an upstream OTLP/HTTP endpoint (a collector, Tempo,
/// Jaeger, another telemetryd), batched, in protobuf, without slowing ingest: the receiver
/// only appends to a bounded `ForwardQueue`.
///
/// 429, 502, 503, 504 and connection failures are retried by `HTTPDelivery` with exponential
/// backoff and jitter (0.5 s doubling to 30 s, or the upstream's `Retry-After`); while the upstream is
/// down the queue fills and what does not fit is dropped and counted. Other 4xx answers drop
/// the batch (retrying cannot help) and are counted too.
final class OTLPForwarder: Sendable {
    let endpoint: String
    let queue: ForwardQueue
    private let client: HTTPClient
    private let logger: Logger
    private let wakeUp: AsyncStream<Void>.Continuation
    private let wakeUps: AsyncStream<Void>
    private let sentItems: Counter
    private let droppedItems: Counter
    private let retries: Counter
    private let queueBytes: Gauge

    init(endpoint: String, maxQueueBytes: Int, registry: MetricRegistry, logger: Logger) throws(MetricError) {
        self.endpoint = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
        queue = ForwardQueue(maxBytes: maxQueueBytes)
        client = HTTPClient(eventLoopGroupProvider: .singleton)
        self.logger = logger
        (wakeUps, wakeUp) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        sentItems = try registry.counter(
            name: "telemetryd_forwarder_sent_items_total", help: "Spans, data points and log records sent upstream.",
            labelNames: ["signal"])
        droppedItems = try registry.counter(
            name: "telemetryd_forwarder_dropped_items_total",
            help: "Items not sent upstream: the queue was full, or the upstream refused them.",
            labelNames: ["signal", "reason"])
        retries = try registry.counter(
            name: "telemetryd_forwarder_retries_total", help: "Upstream requests retried after a retryable failure.")
        queueBytes = try registry.gauge(
            name: "telemetryd_forwarder_queue_bytes", help: "Encoded data waiting to be sent upstream.", unit: "bytes")
    }

    /// Queues an accepted export (protobuf-encoded) for the upstream; never blocks.
    func forward(_ signal: OTLPSignal, body: [UInt8], items: Int) {
        if queue.push(ForwardQueue.Entry(signal: signal, body: body, items: items)) {
            wakeUp.yield()
        } else {
            count(dropped: items, signal, reason: "queue_full")
        }
        queueBytes.set(Double(queue.bytes))
    }

    /// Sends batches until the task is cancelled.
    func run() async {
        var wakeUps = self.wakeUps.makeAsyncIterator()
        while !Task.isCancelled {
            guard let batch = queue.popBatch() else {
                _ = await wakeUps.next()
                continue
            }
            queueBytes.set(Double(queue.bytes))
            await send(batch)
        }
    }

    /// Stops the sender and releases the HTTP client. What is still queued is dropped and
    /// counted.
    func shutdown() async {
        wakeUp.finish()
        while let batch = queue.popBatch() { count(dropped: batch.items, batch.signal, reason: "shutdown") }
        try? await client.shutdown()
    }

    private func send(_ batch: ForwardQueue.Batch) async {
        let delivery = HTTPDelivery(
            client: client,
            retry: RetryPolicy(maxAttempts: .max, initialBackoff: .milliseconds(500), maxBackoff: .seconds(30)),
            timeout: .seconds(30), logger: logger)
        let retries = retries
        let outcome = await delivery.post(
            endpoint + batch.signal.path, headers: [("Content-Type", "application/x-protobuf")], body: batch.body,
            onRetry: { retries.increment() })
        switch outcome {
        case .delivered:
            count(sent: batch.items, batch.signal)
        case .refused(let status, _):
            logger.warning("upstream refused a batch", metadata: ["status": "\(status)", "endpoint": "\(endpoint)"])
            count(dropped: batch.items, batch.signal, reason: "rejected")
        case .gaveUp(let reason):
            logger.warning("gave up sending a batch upstream", metadata: ["reason": "\(reason)", "endpoint": "\(endpoint)"])
            count(dropped: batch.items, batch.signal, reason: Task.isCancelled ? "shutdown" : "gave_up")
        }
    }

    private func count(sent items: Int, _ signal: OTLPSignal) {
        try? sentItems.labels(signal.rawValue).increment(by: Int64(items))
    }

    private func count(dropped items: Int, _ signal: OTLPSignal, reason: String) {
        try? droppedItems.labels(signal.rawValue, reason).increment(by: Int64(items))
    }
}
