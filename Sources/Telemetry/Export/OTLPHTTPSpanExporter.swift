import AsyncHTTPClient
import Logging
import OTLP
import SwiftProtobuf

/// Exports spans over OTLP/HTTP, in protobuf (default) or JSON, optionally gzip-compressed.
///
/// Configure it in code or from `OTEL_EXPORTER_OTLP_*` variables. Retryable failures are retried
/// as `RetryPolicy` says; a partial success (some spans rejected) is logged as a warning and
/// counts as delivered.
public struct OTLPHTTPSpanExporter: SpanExporter {
    private let sender: OTLPHTTPSender

    /// Creates an exporter.
    ///
    /// - Parameters:
    ///   - configuration: By default read from the environment (see
    ///     `OTLPExporterConfiguration.traces(_:)`).
    ///   - client: The HTTP client; by default AsyncHTTPClient's shared one.
    ///   - logger: Receives retries (debug), partial successes (warning) and failures (error).
    public init(
        configuration: OTLPExporterConfiguration? = nil, client: HTTPClient = .shared,
        logger: Logger = Logger(label: "Telemetry.OTLPHTTPSpanExporter")
    ) throws(OTLPExporterConfiguration.ConfigurationError) {
        let resolved: OTLPExporterConfiguration
        if let configuration { resolved = configuration } else { resolved = try OTLPExporterConfiguration.traces() }
        try resolved.requireHTTP("OTLPHTTPSpanExporter")
        sender = OTLPHTTPSender(configuration: resolved, client: client, logger: logger)
    }

    /// The settings in force.
    public var configuration: OTLPExporterConfiguration { sender.configuration }

    public func export(_ spans: [SpanData]) async -> ExportResult {
        guard !spans.isEmpty else { return .success }
        return await sender.export(
            OTLPTraceEncoding.request(spans), count: spans.count, noun: "span", response: Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceResponse.self
        ) { response in
            response.hasPartialSuccess ? (response.partialSuccess.rejectedSpans, response.partialSuccess.errorMessage) : nil
        }
    }
}
