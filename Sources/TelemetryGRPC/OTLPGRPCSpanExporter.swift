import Logging
import OTLP
import OTLPGRPC
import Telemetry

/// Exports spans over OTLP/gRPC (`TraceService/Export`), optionally gzip-compressed.
///
/// Configure it in code or from `OTEL_EXPORTER_OTLP_*` variables (endpoint default
/// `http://localhost:4317`). Retryable gRPC codes are retried as `RetryPolicy` says, after the
/// delay of the receiver's `RetryInfo` when it sends one; a partial success is logged as a
/// warning and counts as delivered.
public struct OTLPGRPCSpanExporter: SpanExporter {
    private let sender: OTLPGRPCSender

    /// Creates an exporter; the channel connects on the first export.
    ///
    /// - Parameters:
    ///   - configuration: By default read from the environment with the protocol taken as
    ///     `grpc` (see `OTLPExporterConfiguration.traces(_:)`).
    ///   - logger: Receives retries (debug), partial successes (warning) and failures (error).
    public init(
        configuration: OTLPExporterConfiguration? = nil, logger: Logger = Logger(label: "Telemetry.OTLPGRPCSpanExporter")
    ) throws(OTLPExporterConfiguration.ConfigurationError) {
        let resolved: OTLPExporterConfiguration
        if let configuration { resolved = configuration } else { resolved = try OTLPExporters.grpcConfiguration(signal: "traces") }
        sender = try OTLPGRPCSender(configuration: resolved, logger: logger)
    }

    /// The settings in force.
    public var configuration: OTLPExporterConfiguration { sender.configuration }

    public func export(_ spans: [SpanData]) async -> ExportResult {
        guard !spans.isEmpty else { return .success }
        return await sender.export(
            OTLPTraceEncoding.request(spans), method: Opentelemetry_Proto_Collector_Trace_V1_TraceService.Method.Export.descriptor,
            count: spans.count, noun: "span", response: Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceResponse.self
        ) { response in
            response.hasPartialSuccess ? (response.partialSuccess.rejectedSpans, response.partialSuccess.errorMessage) : nil
        }
    }

    /// Closes the channel.
    public func shutdown() async {
        await sender.shutdown()
    }
}
