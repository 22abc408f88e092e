import AsyncHTTPClient
import Logging
import OTLP
import Synchronization

/// Exports a `MetricRegistry` over OTLP/HTTP at a fixed interval, cumulatively: every export
/// carries every series's total since the exporter started.
///
/// The interval defaults to `OTEL_METRIC_EXPORT_INTERVAL` (ms, default 60 000). Call
/// `shutdown()` to export a last time and stop.
public final class PeriodicMetricExporter: Sendable {
    private let registry: MetricRegistry
    private let resource: Resource
    private let sender: OTLPHTTPSender
    private let startTime = WallClock.nanoseconds()
    private let worker = Mutex<Task<Void, Never>?>(nil)
    private let exports = Atomic<Int>(0)

    /// The time between exports.
    public let interval: Duration

    /// Creates the exporter and starts exporting.
    ///
    /// - Parameters:
    ///   - registry: The instruments to export.
    ///   - resource: Sent with every export; by default read from the environment.
    ///   - configuration: By default read from `OTEL_EXPORTER_OTLP_*` (metrics endpoint).
    ///   - interval: By default `OTEL_METRIC_EXPORT_INTERVAL` milliseconds, or 60 s.
    ///   - client: The HTTP client; by default AsyncHTTPClient's shared one.
    public init(
        registry: MetricRegistry, resource: Resource = .fromEnvironment(), configuration: OTLPExporterConfiguration? = nil,
        interval: Duration? = nil, client: HTTPClient = .shared,
        logger: Logger = Logger(label: "Telemetry.PeriodicMetricExporter")
    ) throws(OTLPExporterConfiguration.ConfigurationError) {
        let resolved: OTLPExporterConfiguration
        if let configuration { resolved = configuration } else { resolved = try OTLPExporterConfiguration.metrics() }
        self.registry = registry
        self.resource = resource
        self.interval =
            interval ?? EnvironmentReader(Environment.variables).milliseconds("OTEL_METRIC_EXPORT_INTERVAL")
            ?? .seconds(60)
        sender = OTLPHTTPSender(configuration: resolved, client: client, logger: logger)
        let task = Task { [self] in
            while !Task.isCancelled {
                do { try await Task.sleep(for: self.interval) } catch { break }
                _ = await export()
            }
        }
        worker.withLock { $0 = task }
    }

    /// How many exports were delivered.
    public var deliveredExports: Int { exports.load(ordering: .relaxed) }

    /// Exports the registry now.
    @discardableResult
    public func export() async -> ExportResult {
        let request = OTLPMetricEncoding.request(
            registry, resource: resource, scope: InstrumentationScope(name: "telemetry-swift"), startTime: startTime,
            now: WallClock.nanoseconds())
        guard !(request.resourceMetrics.first?.scopeMetrics.first?.metrics.isEmpty ?? true) else { return .success }
        switch await sender.send(request) {
        case .delivered:
            exports.add(1, ordering: .relaxed)
            return .success
        case .failed(let reason):
            sender.logger.error("OTLP metric export failed", metadata: ["reason": "\(reason)"])
            return .failure(reason)
        }
    }

    /// Stops the schedule and exports a last time.
    public func shutdown() async {
        let task = worker.withLock { worker in
            defer { worker = nil }
            return worker
        }
        task?.cancel()
        await task?.value
        await export()
    }
}
