import AsyncHTTPClient
import Logging
import OTLP
import SwiftProtobuf

/// Exports log records over OTLP/HTTP, in protobuf (default) or JSON, optionally gzip-compressed.
///
/// Configure it in code or from `OTEL_EXPORTER_OTLP_*` variables. Retryable failures are retried
/// as `RetryPolicy` says; a partial success (some records rejected) is logged as a warning and
/// counts as delivered. Shares the span exporter's sender, retry and configuration.
public struct OTLPHTTPLogExporter: LogRecordExporter {
    private let sender: OTLPHTTPSender

    /// Creates an exporter.
    ///
    /// - Parameters:
    ///   - configuration: By default read from the environment (see
    ///     `OTLPExporterConfiguration.logs(_:)`).
    ///   - client: The HTTP client; by default AsyncHTTPClient's shared one.
    ///   - logger: Receives retries (debug), partial successes (warning) and failures (error).
    public init(
        configuration: OTLPExporterConfiguration? = nil, client: HTTPClient = .shared,
        logger: Logger = Logger(label: "Telemetry.OTLPHTTPLogExporter")
    ) throws(OTLPExporterConfiguration.ConfigurationError) {
        let resolved: OTLPExporterConfiguration
        if let configuration { resolved = configuration } else { resolved = try OTLPExporterConfiguration.logs() }
        try resolved.requireHTTP("OTLPHTTPLogExporter")
        sender = OTLPHTTPSender(configuration: resolved, client: client, logger: logger)
    }

    /// The settings in force.
    public var configuration: OTLPExporterConfiguration { sender.configuration }

    public func export(_ records: [LogRecordData]) async -> ExportResult {
        guard !records.isEmpty else { return .success }
        return await sender.export(
            OTLPLogEncoding.request(records), count: records.count, noun: "log_record", response: Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceResponse.self
        ) { response in
            response.hasPartialSuccess ? (response.partialSuccess.rejectedLogRecords, response.partialSuccess.errorMessage) : nil
        }
    }
}
