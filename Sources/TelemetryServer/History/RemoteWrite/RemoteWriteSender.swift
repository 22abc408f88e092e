import AsyncHTTPClient
import Foundation
import Logging
import PromQL
import SnappyCodec
import Synchronization
import Telemetry

/// Sends every sample the metric history accepts on to a Prometheus remote-write receiver
/// (Prometheus with `--web.enable-remote-write-receiver`, Mimir, Thanos Receive), in order per
/// series, batched as Prometheus batches (`max_samples_per_send`, `batch_send_deadline`).
///
/// The queue holds at most `capacity` samples; past it new samples are dropped and counted,
/// so a receiver that is down never holds up ingest. 5xx, 429 and connection failures are
/// retried by `HTTPDelivery` with backoff from `min_backoff` to `max_backoff` (or the
/// receiver's `Retry-After`) until delivered; other 4xx answers drop the batch, counted.
final class RemoteWriteSender: Sendable {
    let target: RemoteWriteTarget
    private let queue = Mutex<[(Labels, Sample)]>([])
    private let client: HTTPClient
    private let logger: Logger
    private let sent: CounterChild
    private let droppedQueueFull: CounterChild
    private let droppedRefused: CounterChild
    private let retries: CounterChild
    private let pending: GaugeChild

    init(target: RemoteWriteTarget, registry: MetricRegistry, logger: Logger) throws(MetricError) {
        self.target = target
        self.logger = logger
        client = HTTPClient(eventLoopGroupProvider: .singleton)
        sent = try registry.counter(
            name: "telemetryd_remote_write_samples_sent_total", help: "Samples delivered to remote-write receivers.",
            labelNames: ["remote_name"]
        ).labels(target.name)
        let dropped = try registry.counter(
            name: "telemetryd_remote_write_samples_dropped_total",
            help: "Samples not delivered: queue_full (the receiver fell behind), refused (a 4xx answer).",
            labelNames: ["remote_name", "reason"])
        droppedQueueFull = try dropped.labels(target.name, "queue_full")
        droppedRefused = try dropped.labels(target.name, "refused")
        retries = try registry.counter(
            name: "telemetryd_remote_write_retries_total", help: "Remote-write requests retried.", labelNames: ["remote_name"]
        ).labels(target.name)
        pending = try registry.gauge(
            name: "telemetryd_remote_write_pending_samples", help: "Samples queued for remote-write receivers.",
            labelNames: ["remote_name"]
        ).labels(target.name)
    }

    /// Queues accepted samples; never blocks. Called under the history's lock.
    func enqueue(_ samples: [(Labels, Sample)]) {
        let dropped = queue.withLock { queue in
            let room = max(0, target.capacity - queue.count)
            queue.append(contentsOf: samples.prefix(room))
            return samples.count - min(room, samples.count)
        }
        if dropped > 0 { droppedQueueFull.increment(by: Int64(dropped)) }
    }

    /// Sends batches until the task is cancelled.
    func run() async {
        var lastSend = ContinuousClock.now
        let deadline = Duration.milliseconds(target.batchSendDeadline.milliseconds)
        while !Task.isCancelled {
            let waiting = queue.withLock { $0.count }
            pending.set(Double(waiting))
            guard waiting >= target.maxSamplesPerSend || (waiting > 0 && ContinuousClock.now - lastSend >= deadline) else {
                try? await Task.sleep(for: .milliseconds(min(50, target.batchSendDeadline.milliseconds)))
                continue
            }
            let batch = queue.withLock { queue in
                let taken = Array(queue.prefix(target.maxSamplesPerSend))
                queue.removeFirst(taken.count)
                return taken
            }
            lastSend = ContinuousClock.now
            await send(batch)
        }
    }

    /// Releases the HTTP client.
    func shutdown() async {
        try? await client.shutdown()
    }

    private func send(_ batch: [(Labels, Sample)]) async {
        var order: [Labels] = []
        var bySeries: [Labels: [Sample]] = [:]
        for (labels, sample) in batch {
            if bySeries[labels] == nil { order.append(labels) }
            bySeries[labels, default: []].append(sample)
        }
        let request = WriteRequest(series: order.map { ($0, bySeries[$0] ?? []) })
        let body = Snappy.compress(request.encoded())
        var headers = [
            ("Content-Type", "application/x-protobuf"), ("Content-Encoding", "snappy"),
            ("User-Agent", "telemetryd/\(BuildInfo.version)"), ("X-Prometheus-Remote-Write-Version", "0.1.0"),
        ]
        headers += target.headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        let delivery = HTTPDelivery(
            client: client,
            retry: RetryPolicy(
                maxAttempts: .max, initialBackoff: .milliseconds(target.minBackoff.milliseconds),
                maxBackoff: .milliseconds(target.maxBackoff.milliseconds)),
            timeout: .milliseconds(target.remoteTimeout.milliseconds), retryable: HTTPDelivery.remoteWriteRetryable,
            logger: logger)
        let retries = retries
        switch await delivery.post(target.url, headers: headers, body: body, onRetry: { retries.increment() }) {
        case .delivered:
            sent.increment(by: Int64(batch.count))
        case .refused(let status, let message):
            logger.warning("remote write refused", metadata: ["remote": "\(target.name)", "status": "\(status)", "message": "\(message)"])
            droppedRefused.increment(by: Int64(batch.count))
        case .gaveUp(let reason):
            logger.debug("remote write stopped", metadata: ["remote": "\(target.name)", "reason": "\(reason)"])
        }
    }
}
