import Logging
import OTLP
import OTLPGRPC
import Telemetry

extension PeriodicMetricExporter {
    /// Creates an exporter that sends over OTLP/gRPC (`MetricsService/Export`) and starts
    /// exporting.
    ///
    /// - Parameters:
    ///   - registry: The instruments to export.
    ///   - resource: Sent with every export; by default read from the environment.
    ///   - grpcConfiguration: By default read from `OTEL_EXPORTER_OTLP_*` with the protocol
    ///     taken as `grpc` (endpoint default `http://localhost:4317`).
    ///   - interval: By default `OTEL_METRIC_EXPORT_INTERVAL` milliseconds, or 60 s.
    public convenience init(
        registry: MetricRegistry, resource: Resource = .fromEnvironment(),
        grpcConfiguration: OTLPExporterConfiguration?, interval: Duration? = nil,
        logger: Logger = Logger(label: "Telemetry.PeriodicMetricExporter")
    ) throws(OTLPExporterConfiguration.ConfigurationError) {
        let resolved: OTLPExporterConfiguration
        if let grpcConfiguration { resolved = grpcConfiguration } else { resolved = try OTLPExporters.grpcConfiguration(signal: "metrics") }
        let sender = try OTLPGRPCSender(configuration: resolved, logger: logger)
        self.init(registry: registry, resource: resource, interval: interval, close: { await sender.shutdown() }) {
            request in
            await sender.export(
                request, method: Opentelemetry_Proto_Collector_Metrics_V1_MetricsService.Method.Export.descriptor,
                count: request.resourceMetrics.reduce(0) { $0 + $1.scopeMetrics.reduce(0) { $0 + $1.metrics.count } },
                noun: "metric", response: Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceResponse.self
            ) { response in
                response.hasPartialSuccess
                    ? (response.partialSuccess.rejectedDataPoints, response.partialSuccess.errorMessage) : nil
            }
        }
    }
}
