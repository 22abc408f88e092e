import Synchronization

/// Queues ended, sampled spans and exports them in batches from a background task.
///
/// `onEnd` never blocks: it takes a lock, copies the span into a fixed ring and returns. When the
/// queue is full the span is dropped and counted. A batch goes out when `maxExportBatchSize`
/// spans are waiting or `scheduledDelay` has passed; each export is cancelled after
/// `exportTimeout`. `forceFlush()` and `shutdown()` export everything queued before returning.
public final class BatchSpanProcessor: SpanProcessor {
    /// What happened to the spans this processor received.
    public struct Statistics: Sendable, Hashable {
        /// Spans delivered by successful exports.
        public var exported: Int
        /// Spans dropped because the queue was full or the processor was shut down.
        public var dropped: Int
        /// Spans whose export failed or timed out.
        public var failed: Int
        /// Spans waiting in the queue now.
        public var queued: Int
    }

    private struct State {
        var queue: SpanQueue
        var stopping = false
        /// The export task has ended: nothing will resume a flush any more.
        var finished = false
        var signalled = false
        var waiter: CheckedContinuation<Void, Never>?
        var flushWaiters: [CheckedContinuation<Void, Never>] = []
        var dropped = 0
    }

    /// The settings in force.
    public let configuration: BatchSpanProcessorConfiguration
    private let exporter: any SpanExporter
    private let state: Mutex<State>
    private let exported = Atomic<Int>(0)
    private let failed = Atomic<Int>(0)
    private let worker = Mutex<Task<Void, Never>?>(nil)

    /// Creates the processor and starts its export task; call `shutdown()` to stop it.
    public init(exporter: any SpanExporter, configuration: BatchSpanProcessorConfiguration = .fromEnvironment()) {
        self.exporter = exporter
        self.configuration = configuration
        state = Mutex(State(queue: SpanQueue(capacity: configuration.maxQueueSize)))
        let task = Task { [self] in await run() }
        worker.withLock { $0 = task }
    }

    /// Counts of exported, dropped, failed and queued spans.
    public var statistics: Statistics {
        let (dropped, queued) = state.withLock { ($0.dropped, $0.queue.count) }
        return Statistics(
            exported: exported.load(ordering: .relaxed), dropped: dropped, failed: failed.load(ordering: .relaxed),
            queued: queued)
    }

    public func onEnd(_ span: SpanData) {
        guard span.context.isSampled else { return }
        let batchSize = configuration.maxExportBatchSize
        let wake: CheckedContinuation<Void, Never>? = state.withLock { state in
            guard !state.stopping, state.queue.push(span) else {
                state.dropped += 1
                return nil
            }
            guard state.queue.count >= batchSize, !state.signalled else { return nil }
            state.signalled = true
            defer { state.waiter = nil }
            return state.waiter
        }
        wake?.resume()
    }

    public func forceFlush() async {
        await withCheckedContinuation { waiter in
            let wake: CheckedContinuation<Void, Never>?? = state.withLock { state in
                guard !state.finished else { return .none }
                state.flushWaiters.append(waiter)
                state.signalled = true
                defer { state.waiter = nil }
                return .some(state.waiter)
            }
            switch wake {
            case .none: waiter.resume()
            case .some(let sleeping): sleeping?.resume()
            }
        }
        await exporter.forceFlush()
    }

    public func shutdown() async {
        let wake = state.withLock { state in
            state.stopping = true
            state.signalled = true
            defer { state.waiter = nil }
            return state.waiter
        }
        wake?.resume()
        let task = worker.withLock { $0 }
        await task?.value
        await exporter.shutdown()
    }

    /// The export loop: wait for a full batch, a flush, shutdown or the delay, then export
    /// everything queued in batches.
    private func run() async {
        while true {
            await waitForWork()
            let (flushWaiters, stopping) = state.withLock { state in
                defer { state.flushWaiters = [] }
                state.signalled = false
                return (state.flushWaiters, state.stopping)
            }
            while true {
                let batch = state.withLock { $0.queue.pop(upTo: configuration.maxExportBatchSize) }
                if batch.isEmpty { break }
                await export(batch)
            }
            for waiter in flushWaiters { waiter.resume() }
            if stopping { break }
        }
        let late = state.withLock { state in
            state.finished = true
            defer { state.flushWaiters = [] }
            return state.flushWaiters
        }
        for waiter in late { waiter.resume() }
    }

    private func waitForWork() async {
        let delay = configuration.scheduledDelay
        let ready = state.withLock { state in
            state.signalled || state.stopping || state.queue.count >= configuration.maxExportBatchSize
        }
        if ready { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(for: delay) }
            group.addTask { await self.waitForSignal() }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForSignal() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { waiter in
                let resumeNow = state.withLock { state in
                    if state.signalled || Task.isCancelled { return true }
                    state.waiter = waiter
                    return false
                }
                if resumeNow { waiter.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }
    }

    private func export(_ batch: [SpanData]) async {
        let exporter = self.exporter
        let timeout = configuration.exportTimeout
        let result = await withTaskGroup(of: ExportResult?.self) { group in
            group.addTask { await exporter.export(batch) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? .failure("export timed out after \(timeout)")
        }
        if result == .success {
            exported.add(batch.count, ordering: .relaxed)
        } else {
            failed.add(batch.count, ordering: .relaxed)
        }
    }
}
