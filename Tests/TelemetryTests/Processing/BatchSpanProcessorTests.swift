import Foundation
import Synchronization
import Telemetry
import Testing

/// An exporter that takes `delay` per export and counts what it received.
private final class SlowExporter: SpanExporter {
    let delay: Duration
    let received = Atomic<Int>(0)
    let exports = Atomic<Int>(0)
    let concurrent = Atomic<Int>(0)
    let maxConcurrent = Atomic<Int>(0)
    let cancelled = Atomic<Int>(0)

    init(delay: Duration) {
        self.delay = delay
    }

    func export(_ spans: [SpanData]) async -> ExportResult {
        let now = concurrent.add(1, ordering: .relaxed).newValue
        _ = maxConcurrent.max(now, ordering: .relaxed)
        defer { concurrent.subtract(1, ordering: .relaxed) }
        try? await Task.sleep(for: delay)
        guard !Task.isCancelled else {
            cancelled.add(1, ordering: .relaxed)
            return .failure("cancelled")
        }
        received.add(spans.count, ordering: .relaxed)
        exports.add(1, ordering: .relaxed)
        return .success
    }
}

@Suite("Batch span processor")
struct BatchSpanProcessorTests {
    @Test func eightProducersOverflowingTheQueueAccountForEverySpan() async throws {
        let exporter = SlowExporter(delay: .milliseconds(2))
        let processor = BatchSpanProcessor(
            exporter: exporter,
            configuration: BatchSpanProcessorConfiguration(
                maxQueueSize: 256, scheduledDelay: .milliseconds(5), maxExportBatchSize: 64))
        let provider = TracerProvider(sampler: AlwaysOnSampler(), processors: [processor])
        let tracer = provider.tracer("load")
        let producers = 8
        let perProducer = 5_000
        // Plain threads, so producers really run in parallel with the export task.
        let finished = DispatchGroup()
        for producer in 0..<producers {
            finished.enter()
            Thread {
                for index in 0..<perProducer {
                    let span = tracer.startSpan("p\(producer)", attributes: ["i": .int(Int64(index))])
                    span.end()
                }
                finished.leave()
            }.start()
        }
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                finished.wait()
                continuation.resume()
            }
        }
        await provider.shutdown()
        let statistics = processor.statistics
        let produced = producers * perProducer
        #expect(statistics.exported + statistics.dropped == produced, "\(statistics)")
        #expect(statistics.exported == exporter.received.load(ordering: .relaxed))
        #expect(statistics.dropped > 0, "the queue never overflowed: \(statistics)")
        #expect(statistics.exported > 0)
        #expect(statistics.failed == 0 && statistics.queued == 0)
        #expect(exporter.maxConcurrent.load(ordering: .relaxed) == 1)
        // Once shut down, spans are no longer recorded at all.
        #expect(!tracer.startSpan("late").isRecording)
    }

    @Test func forceFlushExportsWhatIsQueuedWithoutWaitingForTheDelay() async throws {
        let exporter = InMemorySpanExporter()
        let processor = BatchSpanProcessor(
            exporter: exporter, configuration: BatchSpanProcessorConfiguration(scheduledDelay: .seconds(3600)))
        let tracer = TracerProvider(sampler: AlwaysOnSampler(), processors: [processor]).tracer("flush")
        for index in 0..<10 { tracer.startSpan("s\(index)").end() }
        #expect(exporter.finishedSpans.isEmpty)
        let started = ContinuousClock.now
        await processor.forceFlush()
        #expect(exporter.finishedSpans.map(\.name) == (0..<10).map { "s\($0)" })
        #expect(ContinuousClock.now - started < .seconds(60))
        await processor.shutdown()
        // A flush after shutdown returns at once.
        await processor.forceFlush()
    }

    @Test func aFullBatchIsExportedBeforeTheDelay() async throws {
        let exporter = InMemorySpanExporter()
        let processor = BatchSpanProcessor(
            exporter: exporter,
            configuration: BatchSpanProcessorConfiguration(scheduledDelay: .seconds(3600), maxExportBatchSize: 16))
        let tracer = TracerProvider(sampler: AlwaysOnSampler(), processors: [processor]).tracer("batch")
        for index in 0..<16 { tracer.startSpan("s\(index)").end() }
        for _ in 0..<500 where exporter.finishedSpans.count < 16 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(exporter.finishedSpans.count == 16)
        await processor.shutdown()
    }

    @Test func aSlowExportIsCancelledAtTheTimeoutAndCountedAsFailed() async throws {
        let exporter = SlowExporter(delay: .seconds(300))
        let processor = BatchSpanProcessor(
            exporter: exporter,
            configuration: BatchSpanProcessorConfiguration(
                scheduledDelay: .milliseconds(10), exportTimeout: .milliseconds(100)))
        let tracer = TracerProvider(sampler: AlwaysOnSampler(), processors: [processor]).tracer("timeout")
        for _ in 0..<3 { tracer.startSpan("slow").end() }
        await processor.forceFlush()
        // The export was cancelled, not waited out: left alone it would have taken 300 s and
        // succeeded. (No bound on the flush's wall time: under make test's parallel load the
        // flush's tasks have waited 25 s for a thread of the shared pool.)
        #expect(exporter.cancelled.load(ordering: .relaxed) == 1)
        #expect(processor.statistics.failed == 3)
        #expect(processor.statistics.exported == 0)
        #expect(exporter.received.load(ordering: .relaxed) == 0)
        await processor.shutdown()
    }

    @Test func environmentOverridesTheSpecDefaults() {
        let defaults = BatchSpanProcessorConfiguration.fromEnvironment([:])
        #expect(defaults == BatchSpanProcessorConfiguration(
            maxQueueSize: 2048, scheduledDelay: .seconds(5), maxExportBatchSize: 512, exportTimeout: .seconds(30)))
        let configured = BatchSpanProcessorConfiguration.fromEnvironment([
            "OTEL_BSP_MAX_QUEUE_SIZE": "100", "OTEL_BSP_SCHEDULE_DELAY": "250", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE": "500",
            "OTEL_BSP_EXPORT_TIMEOUT": "oops",
        ])
        #expect(configured.maxQueueSize == 100)
        #expect(configured.scheduledDelay == .milliseconds(250))
        #expect(configured.maxExportBatchSize == 100, "the batch size is capped at the queue size")
        #expect(configured.exportTimeout == .seconds(30), "an unparsable value keeps the default")
    }
}

@Suite("Simple processor and several processors")
struct SimpleSpanProcessorTests {
    @Test func everyProcessorSeesEverySampledSpanInOrder() async throws {
        let first = InMemorySpanExporter()
        let second = InMemorySpanExporter()
        let batch = BatchSpanProcessor(exporter: second, configuration: BatchSpanProcessorConfiguration())
        let provider = TracerProvider(
            sampler: AlwaysOnSampler(), processors: [SimpleSpanProcessor(exporter: first), batch])
        let tracer = provider.tracer("both")
        for index in 0..<50 { tracer.startSpan("s\(index)").end() }
        await provider.shutdown()
        #expect(first.finishedSpans.map(\.name) == (0..<50).map { "s\($0)" })
        #expect(second.finishedSpans.map(\.name) == (0..<50).map { "s\($0)" })
    }
}
