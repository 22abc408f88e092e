import Logging
import OTLP
import OTLPGRPC
import Telemetry

/// Exports log records over OTLP/gRPC (`LogsService/Export`), with the same configuration,
/// retry and compression as `OTLPGRPCSpanExporter`.
public struct OTLPGRPCLogExporter: LogRecordExporter {
    private let sender: OTLPGRPCSender

    /// Creates an exporter; the channel connects on the first export.
    ///
    /// - Parameters:
    ///   - configuration: By default read from the environment with the protocol taken as
    ///     `grpc` (see `OTLPExporterConfiguration.logs(_:)`).
    ///   - logger: Receives retries (debug), partial successes (warning) and failures (error).
    public init(
        configuration: OTLPExporterConfiguration? = nil, logger: Logger = Logger(label: "Telemetry.OTLPGRPCLogExporter")
    ) throws(OTLPExporterConfiguration.ConfigurationError) {
        let resolved: OTLPExporterConfiguration
        if let configuration { resolved = configuration } else { resolved = try OTLPExporters.grpcConfiguration(signal: "logs") }
        sender = try OTLPGRPCSender(configuration: resolved, logger: logger)
    }

    /// The settings in force.
    public var configuration: OTLPExporterConfiguration { sender.configuration }

    public func export(_ records: [LogRecordData]) async -> ExportResult {
        guard !records.isEmpty else { return .success }
        return await sender.export(
            OTLPLogEncoding.request(records), method: Opentelemetry_Proto_Collector_Logs_V1_LogsService.Method.Export.descriptor,
            count: records.count, noun: "log_record", response: Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceResponse.self
        ) { response in
            response.hasPartialSuccess
                ? (response.partialSuccess.rejectedLogRecords, response.partialSuccess.errorMessage) : nil
        }
    }

    /// Closes the channel.
    public func shutdown() async {
        await sender.shutdown()
    }
}
