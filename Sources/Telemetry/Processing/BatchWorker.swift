import Synchronization

/// The engine of the batch processors (spans and log records): a bounded queue filled
/// without blocking and a background task that exports it in batches.
///
/// `enqueue` never blocks: it takes a lock, appends the item to a buffer with room for the
/// whole queue and returns. When the queue is full the item is dropped and counted. Items go
/// out when `maxExportBatchSize` are waiting or `scheduledDelay` has passed, in batches of at
/// most `maxExportBatchSize`; each export is cancelled after `exportTimeout`. `forceFlush()`
/// and `shutdown()` export everything queued before returning.
final class BatchWorker<Item: Sendable>: Sendable {
    /// Exports one batch.
    typealias Export = @Sendable ([Item]) async -> ExportResult
    /// Takes an exported batch over (the worker keeps no reference to it afterwards).
    typealias AfterExport = @Sendable (inout [Item]) -> Void

    private struct State {
        var queue: BoundedQueue<Item>
        var stopping = false
        /// The export task has ended: nothing will resume a flush any more.
        var finished = false
        var signalled = false
        var waiter: CheckedContinuation<Void, Never>?
        var flushWaiters: [CheckedContinuation<Void, Never>] = []
        var dropped = 0
    }

    let configuration: BatchProcessorConfiguration
    private let exportBatch: Export
    private let afterExport: AfterExport?
    private let state: SpinLocked<State>
    private let exported = Atomic<Int>(0)
    private let failed = Atomic<Int>(0)
    private let worker = Mutex<Task<Void, Never>?>(nil)

    /// Starts the export task; call `shutdown()` to stop it.
    init(configuration: BatchProcessorConfiguration, export: @escaping Export, afterExport: AfterExport? = nil) {
        exportBatch = export
        self.afterExport = afterExport
        self.configuration = configuration
        state = SpinLocked(State(queue: BoundedQueue(capacity: configuration.maxQueueSize)))
        let task = Task { [self] in await run() }
        worker.withLock { $0 = task }
    }

    /// Counts of exported, dropped, failed and queued items.
    var statistics: BatchStatistics {
        let (dropped, queued) = state.withLock { ($0.dropped, $0.queue.count) }
        return BatchStatistics(
            exported: exported.load(ordering: .relaxed), dropped: dropped, failed: failed.load(ordering: .relaxed),
            queued: queued)
    }

    /// Queues `item`, or drops and counts it when the queue is full or stopping.
    func enqueue(_ item: Item) {
        let batchSize = configuration.maxExportBatchSize
        // Only whether to wake the export task comes out of the lock: handling the optional
        // continuation on every call went through generic value witnesses (6% of a span).
        let full = state.withLock { state in
            guard !state.stopping, state.queue.push(item) else {
                state.dropped += 1
                return false
            }
            return state.queue.count >= batchSize && !state.signalled
        }
        if full { signalFullBatch() }
    }

    /// Wakes the export task for a full batch (once per batch: the flag stays set until the
    /// export task takes the queue).
    private func signalFullBatch() {
        let wake: CheckedContinuation<Void, Never>? = state.withLock { state in
            guard !state.signalled else { return nil }
            state.signalled = true
            defer { state.waiter = nil }
            return state.waiter
        }
        wake?.resume()
    }

    /// Exports everything queued; returns when done.
    func forceFlush() async {
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
    }

    /// Exports what is queued, then stops; later items are dropped.
    func shutdown() async {
        let wake = state.withLock { state in
            state.stopping = true
            state.signalled = true
            defer { state.waiter = nil }
            return state.waiter
        }
        wake?.resume()
        let task = worker.withLock { $0 }
        await task?.value
    }

    /// The export loop: wait for a full batch, a flush, shutdown or the delay, then take
    /// everything queued (a swap of buffers under the lock) and export it in batches of at most
    /// `maxExportBatchSize`. (Exporting whatever trickled in while the last batch went out
    /// would send many small batches, each paying for an export task and its timer.)
    private func run() async {
        let batchSize = configuration.maxExportBatchSize
        var taken: [Item] = []
        taken.reserveCapacity(configuration.maxQueueSize)
        while true {
            let delayPassed = await waitForWork()
            let (flushWaiters, stopping) = state.withLock { state in
                defer { state.flushWaiters = [] }
                state.signalled = false
                return (state.flushWaiters, state.stopping)
            }
            let everything = delayPassed || stopping || !flushWaiters.isEmpty
            state.withLock { state in
                if everything || state.queue.count >= batchSize { state.queue.takeAll(into: &taken) }
            }
            // Oldest first, from the end: items are moved into batches, never copied (a copy
            // would keep a span's recorder referenced past its export, and cost a retain).
            // Reversed through the buffer, whose swaps move (`Array`'s own swaps retained and
            // released each item).
            taken.withUnsafeMutableBufferPointer { $0.reverse() }
            while !taken.isEmpty {
                var batch: [Item] = []
                batch.reserveCapacity(min(batchSize, taken.count))
                while batch.count < batchSize, let item = taken.popLast() { batch.append(consume item) }
                await export(batch)
                afterExport?(&batch)
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

    /// Waits for a signal or the scheduled delay; returns whether the delay passed.
    private func waitForWork() async -> Bool {
        let delay = configuration.scheduledDelay
        let ready = state.withLock { state in
            state.signalled || state.stopping || state.queue.count >= configuration.maxExportBatchSize
        }
        if ready { return false }
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                try? await Task.sleep(for: delay)
                return true
            }
            group.addTask {
                await self.waitForSignal()
                return false
            }
            let delayPassed = await group.next() ?? false
            group.cancelAll()
            return delayPassed
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

    private func export(_ batch: [Item]) async {
        let exportBatch = self.exportBatch
        let timeout = configuration.exportTimeout
        let result = await withTaskGroup(of: ExportResult?.self) { group in
            group.addTask { await exportBatch(batch) }
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
