import AsyncHTTPClient
import Logging
import OTLP
import Synchronization

/// Exports a `MetricRegistry` over OTLP at a fixed interval, cumulatively: every export
/// carries every series's total since the exporter started. This module's initializer sends
/// over OTLP/HTTP; the `TelemetryGRPC` module adds one that sends over OTLP/gRPC.
///
/// The interval defaults to `OTEL_METRIC_EXPORT_INTERVAL` (ms, default 60 000). Call
/// `shutdown()` to export a last time and stop.
public final class PeriodicMetricExporter: Sendable {
    private let registry: MetricRegistry
    private let resource: Resource
    private let close: @Sendable () async -> Void
    private let send: @Sendable (Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceRequest) async -> ExportResult
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
    public convenience init(
        registry: MetricRegistry, resource: Resource = .fromEnvironment(), configuration: OTLPExporterConfiguration? = nil,
        interval: Duration? = nil, client: HTTPClient = .shared,
        logger: Logger = Logger(label: "Telemetry.PeriodicMetricExporter")
    ) throws(OTLPExporterConfiguration.ConfigurationError) {
        let resolved: OTLPExporterConfiguration
        if let configuration { resolved = configuration } else { resolved = try OTLPExporterConfiguration.metrics() }
        try resolved.requireHTTP("PeriodicMetricExporter(registry:resource:configuration:interval:client:logger:)")
        let sender = OTLPHTTPSender(configuration: resolved, client: client, logger: logger)
        self.init(registry: registry, resource: resource, interval: interval) { request in
            switch await sender.send(request) {
            case .delivered: return .success
            case .failed(let reason):
                sender.logger.error("OTLP metric export failed", metadata: ["reason": "\(reason)"])
                return .failure(reason)
            }
        }
    }

    /// Creates the exporter over any transport and starts exporting: `send` delivers one
    /// request and logs its own failures; `close` runs after the last export.
    package init(
        registry: MetricRegistry, resource: Resource, interval: Duration?, close: @escaping @Sendable () async -> Void = {},
        send: @escaping @Sendable (Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceRequest) async -> ExportResult
    ) {
        self.registry = registry
        self.resource = resource
        self.interval =
            interval ?? EnvironmentReader(Environment.variables).milliseconds("OTEL_METRIC_EXPORT_INTERVAL")
            ?? .seconds(60)
        self.send = send
        self.close = close
        let task = Task { [self] in
            while !Task.isCancelled {
                do { try await Task.sleep(for: self.interval) } catch { break }
                // Shutdown cancels this loop: an export already under way finishes rather than
                // being cut off after the receiver may already have taken it.
                _ = await Task.detached { await self.export() }.value
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
        let result = await send(request)
        if result == .success { exports.add(1, ordering: .relaxed) }
        return result
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
        await close()
    }
}
