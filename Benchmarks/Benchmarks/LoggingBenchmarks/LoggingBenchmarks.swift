import Benchmark
import Logging
import OTel
import Telemetry

// One log call with three metadata values, through Telemetry's log handler and batch
// processor and through swift-otel 1.6.0's logging backend, in the same run. Both processors
// run with an exporter that does nothing, so the figures are the cost on the logging thread:
// building the record and handing it to the processor.

/// An exporter that accepts everything at once.
struct DiscardingLogExporter: LogRecordExporter {
    func export(_ records: [LogRecordData]) async -> ExportResult { .success }
}

func telemetryLogger() -> (Logger, BatchLogRecordProcessor) {
    let processor = BatchLogRecordProcessor(exporter: DiscardingLogExporter(), configuration: BatchProcessorConfiguration.logs([:]))
    let handler = TelemetryLogHandler(
        label: "bench", processor: processor, resource: Resource(attributes: ["service.name": "bench"]))
    return (Logger(label: "bench", factory: { _ in handler }), processor)
}

/// swift-otel's logging backend with its batch processor running and no exporter, as
/// `OTel.makeLoggingBackend` builds it.
func otelLogger() throws -> (Logger, Task<Void, Never>) {
    var configuration = OTel.Configuration.default
    configuration.serviceName = "bench"
    configuration.diagnosticLogLevel = .error
    configuration.traces.enabled = false
    configuration.metrics.enabled = false
    configuration.logs.exporter = .none
    let backend = try OTel.makeLoggingBackend(configuration: configuration)
    let service = backend.service
    let task = Task<Void, Never> { try? await service.run() }
    return (Logger(label: "bench", factory: backend.factory), task)
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput],
        scalingFactor: .kilo,
        maxDuration: .seconds(2),
        maxIterations: 100_000)

    Benchmark("log record 3 metadata / Telemetry") { benchmark in
        let (logger, processor) = telemetryLogger()
        benchmark.startMeasurement()
        for index in benchmark.scaledIterations {
            logger.info("order placed", metadata: ["order.id": "A-17", "items": "\(index & 7)", "region": "eu"])
        }
        benchmark.stopMeasurement()
        await processor.shutdown()
    }

    Benchmark("log record 3 metadata / swift-otel") { benchmark in
        let (logger, service) = try otelLogger()
        benchmark.startMeasurement()
        for index in benchmark.scaledIterations {
            logger.info("order placed", metadata: ["order.id": "A-17", "items": "\(index & 7)", "region": "eu"])
        }
        benchmark.stopMeasurement()
        service.cancel()
    }
}
