import Logging
import Synchronization
import Telemetry
import Testing

/// Keeps what the handler emits, without a background task.
private final class RecordingProcessor: LogRecordProcessor {
    private let records = Mutex<[LogRecordData]>([])
    var emitted: [LogRecordData] { records.withLock { $0 } }
    func onEmit(_ record: LogRecordData) { records.withLock { $0.append(record) } }
    func forceFlush() async {}
    func shutdown() async {}
}

/// An exporter whose first export waits until `release()`, so a test can fill the queue.
private final class GatedExporter: LogRecordExporter {
    private let state = Mutex<(entered: Bool, gate: CheckedContinuation<Void, Never>?, open: Bool, exported: Int)>(
        (false, nil, false, 0))
    var entered: Bool { state.withLock { $0.entered } }
    var exported: Int { state.withLock { $0.exported } }

    func export(_ records: [LogRecordData]) async -> ExportResult {
        await withCheckedContinuation { gate in
            let openNow = state.withLock { state in
                state.entered = true
                if state.open { return true }
                state.gate = gate
                return false
            }
            if openNow { gate.resume() }
        }
        state.withLock { $0.exported += records.count }
        return .success
    }

    func release() {
        let gate = state.withLock { state in
            state.open = true
            defer { state.gate = nil }
            return state.gate
        }
        gate?.resume()
    }
}

@Suite("Logs through swift-log")
struct LogHandlerTests {
    @Test func aRecordCarriesTheCurrentSpanTypedMetadataAndTheCallSite() async throws {
        let pipeline = RecordingPipeline()
        let processor = RecordingProcessor()
        var logger = Logger(label: "checkout") { label in
            TelemetryLogHandler(label: label, processor: processor, resource: Resource(attributes: ["service.name": "shop"]))
        }
        logger[metadataKey: "region"] = "eu"
        let line = #line + 2
        let span = pipeline.tracer.withSpan("charge") { span in
            logger.warning("card declined", metadata: [
                "attempt": .stringConvertible(3), "amount": .stringConvertible(9.5), "retry": .stringConvertible(true),
                "card": ["brand": "visa", "last4": "4242"], "codes": [.stringConvertible(51), "insufficient"],
            ])
            return span
        }
        logger.info("after the span")
        let records = processor.emitted
        try #require(records.count == 2)
        let record = records[0]
        #expect(record.severity == .warn && record.severity.rawValue == 13)
        #expect(record.severityText == "WARNING")
        #expect(record.body == .string("card declined"))
        #expect(record.spanContext == span.context)
        #expect(record.scope.name == "checkout")
        #expect(record.resource.serviceName == "shop")
        #expect(record.attributes["region"] == .string("eu"))
        #expect(record.attributes["attempt"] == .int(3))
        #expect(record.attributes["amount"] == .double(9.5))
        #expect(record.attributes["retry"] == .bool(true))
        #expect(record.attributes["card"] == .map(["brand": .string("visa"), "last4": .string("4242")]))
        #expect(record.attributes["codes"] == .array([.int(51), .string("insufficient")]))
        #expect(record.attributes["code.lineno"] == .int(Int64(line)))
        #expect(record.attributes["code.filepath"] == .string(#filePath) || record.attributes["code.filepath"] == .string(#fileID))
        #expect(record.attributes["code.function"] == .string(#function))
        #expect(record.timestamp > 0 && record.observedTimestamp == record.timestamp)
        #expect(records[1].spanContext == nil)
        #expect(records[1].severity == .info)
    }

    @Test(arguments: [
        (Logger.Level.trace, LogSeverity.trace, "TRACE"), (.debug, .debug, "DEBUG"), (.info, .info, "INFO"),
        (.notice, .info2, "NOTICE"), (.warning, .warn, "WARNING"), (.error, .error, "ERROR"), (.critical, .fatal, "CRITICAL"),
    ])
    func everyLevelHasItsSeverity(level: Logger.Level, severity: LogSeverity, text: String) {
        let processor = RecordingProcessor()
        var logger = Logger(label: "levels") { TelemetryLogHandler(label: $0, processor: processor) }
        logger.logLevel = .trace
        logger.log(level: level, "message")
        #expect(processor.emitted.map(\.severity) == [severity])
        #expect(processor.emitted.map(\.severityText) == [text])
    }

    /// An error given with the message (swift-log's `error:` argument) becomes OpenTelemetry's
    /// exception attributes; a record without one has none.
    @Test func anErrorLoggedWithTheMessageBecomesExceptionAttributes() {
        struct CardDeclined: Error, CustomStringConvertible {
            let code: Int
            var description: String { "card declined with code \(code)" }
        }
        let processor = RecordingProcessor()
        let logger = Logger(label: "errors") { TelemetryLogHandler(label: $0, processor: processor) }
        logger.error("charge failed", error: CardDeclined(code: 51), metadata: ["attempt": "2"])
        logger.error("no error given")
        let records = processor.emitted
        #expect(records.count == 2)
        #expect(records.first?.attributes["exception.type"] == .string(String(reflecting: CardDeclined.self)))
        #expect(records.first?.attributes["exception.message"] == .string("card declined with code 51"))
        #expect(records.first?.attributes["attempt"] == .string("2"))
        #expect(records.first?.body == .string("charge failed"))
        #expect(records.last?.attributes["exception.type"] == nil)
        #expect(records.last?.attributes["exception.message"] == nil)
    }

    @Test func recordsBelowTheLevelAreNotEmitted() {
        let processor = RecordingProcessor()
        let logger = Logger(label: "quiet") { TelemetryLogHandler(label: $0, processor: processor, logLevel: .warning) }
        logger.info("dropped")
        logger.error("kept")
        #expect(processor.emitted.map(\.body) == [.string("kept")])
    }

    @Test func theMetadataProviderNamesTheCurrentTrace() {
        let pipeline = RecordingPipeline()
        #expect(Logger.MetadataProvider.telemetryTrace.get().isEmpty)
        let (metadata, context) = pipeline.tracer.withSpan("work") { span in
            (Logger.MetadataProvider.telemetryTrace.get(), span.context)
        }
        #expect(metadata["trace_id"] == .string(context.traceID.hex))
        #expect(metadata["span_id"] == .string(context.spanID.hex))
    }

    /// A full queue drops and counts, never blocks the logging thread, and loses nothing else.
    @Test func aFullQueueDropsAndCounts() async throws {
        let exporter = GatedExporter()
        let processor = BatchLogRecordProcessor(
            exporter: exporter, configuration: BatchProcessorConfiguration(maxQueueSize: 4, scheduledDelay: .seconds(3600)))
        let logger = Logger(label: "busy") { TelemetryLogHandler(label: $0, processor: processor) }
        for index in 0..<4 { logger.info("first \(index)") }
        for _ in 0..<500 where !exporter.entered { try await Task.sleep(for: .milliseconds(10)) }
        #expect(exporter.entered)
        for index in 0..<6 { logger.info("second \(index)") }
        #expect(processor.statistics.queued == 4)
        #expect(processor.statistics.dropped == 2)
        exporter.release()
        await processor.shutdown()
        #expect(exporter.exported == 8)
        #expect(processor.statistics == BatchStatistics(exported: 8, dropped: 2, failed: 0, queued: 0))
    }

    @Test func batchDefaultsAndVariables() {
        #expect(BatchProcessorConfiguration.logs([:]) == BatchProcessorConfiguration(scheduledDelay: .seconds(1)))
        let configured = BatchProcessorConfiguration.logs([
            "OTEL_BLRP_MAX_QUEUE_SIZE": "100", "OTEL_BLRP_SCHEDULE_DELAY": "250",
            "OTEL_BLRP_MAX_EXPORT_BATCH_SIZE": "10", "OTEL_BLRP_EXPORT_TIMEOUT": "2000",
        ])
        #expect(configured == BatchProcessorConfiguration(
            maxQueueSize: 100, scheduledDelay: .milliseconds(250), maxExportBatchSize: 10, exportTimeout: .seconds(2)))
    }
}
