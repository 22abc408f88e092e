import Logging
import Telemetry

/// Picks the OTLP exporters the environment asks for: OTLP/gRPC when
/// `OTEL_EXPORTER_OTLP_PROTOCOL` (or its per-signal form) is `grpc`, OTLP/HTTP otherwise, so an
/// application configured the OpenTelemetry way needs no code change to switch.
public enum OTLPExporters {
    /// The span exporter for the environment's traces protocol.
    public static func spanExporter(
        environment: [String: String] = Environment.variables
    ) throws(OTLPExporterConfiguration.ConfigurationError) -> any SpanExporter {
        let configuration = try OTLPExporterConfiguration.traces(environment)
        if configuration.wireProtocol == .grpc { return try OTLPGRPCSpanExporter(configuration: configuration) }
        return try OTLPHTTPSpanExporter(configuration: configuration)
    }

    /// The log record exporter for the environment's logs protocol.
    public static func logExporter(
        environment: [String: String] = Environment.variables
    ) throws(OTLPExporterConfiguration.ConfigurationError) -> any LogRecordExporter {
        let configuration = try OTLPExporterConfiguration.logs(environment)
        if configuration.wireProtocol == .grpc { return try OTLPGRPCLogExporter(configuration: configuration) }
        return try OTLPHTTPLogExporter(configuration: configuration)
    }

    /// A periodic exporter of `registry` for the environment's metrics protocol.
    public static func metricExporter(
        registry: MetricRegistry, resource: Resource = .fromEnvironment(), interval: Duration? = nil,
        environment: [String: String] = Environment.variables
    ) throws(OTLPExporterConfiguration.ConfigurationError) -> PeriodicMetricExporter {
        let configuration = try OTLPExporterConfiguration.metrics(environment)
        if configuration.wireProtocol == .grpc {
            return try PeriodicMetricExporter(
                registry: registry, resource: resource, grpcConfiguration: configuration, interval: interval)
        }
        return try PeriodicMetricExporter(
            registry: registry, resource: resource, configuration: configuration, interval: interval)
    }

    /// The environment's configuration for `signal` with the protocol taken as `grpc` (so the
    /// endpoint defaults to `http://localhost:4317`, used as given).
    static func grpcConfiguration(
        signal: String, _ environment: [String: String] = Environment.variables
    ) throws(OTLPExporterConfiguration.ConfigurationError) -> OTLPExporterConfiguration {
        var environment = environment
        environment["OTEL_EXPORTER_OTLP_\(signal.uppercased())_PROTOCOL"] = "grpc"
        return try OTLPExporterConfiguration.fromEnvironment(signal: signal, environment)
    }
}
