import Logging

/// A swift-log handler that turns log calls into OTLP log records, correlated with the
/// current span.
///
/// ```swift
/// let processor = BatchLogRecordProcessor(exporter: try OTLPHTTPLogExporter())
/// LoggingSystem.bootstrap { label in TelemetryLogHandler(label: label, processor: processor) }
/// ```
///
/// The level becomes the severity (`LogSeverity(_:)`) and, by name, the severity text; the
/// message the body; metadata typed attributes (`LogValue(_:)`); the call site `code.filepath`,
/// `code.lineno` and `code.function`; an error logged with the message (`logger.error("…",
/// error: error)`) `exception.type` and `exception.message`, as `Span.recordError` names them;
/// the label the instrumentation scope. The trace id, span id and flags come from
/// `Span.current`, or from swift-distributed-tracing's `ServiceContext`.
public struct TelemetryLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level
    private let processor: any LogRecordProcessor
    private let resource: Resource
    private let scope: InstrumentationScope

    /// Creates a handler for the logger `label`.
    ///
    /// - Parameters:
    ///   - processor: Receives every record at or above `logLevel`.
    ///   - resource: By default from `OTEL_SERVICE_NAME` and `OTEL_RESOURCE_ATTRIBUTES`.
    ///   - logLevel: The lowest level recorded (default `.info`, as swift-log's handlers).
    ///   - metadataProvider: Metadata added to every record (for example the task's request id).
    public init(
        label: String, processor: any LogRecordProcessor, resource: Resource = .fromEnvironment(),
        logLevel: Logger.Level = .info, metadataProvider: Logger.MetadataProvider? = nil
    ) {
        self.processor = processor
        self.resource = resource
        self.logLevel = logLevel
        self.metadataProvider = metadataProvider
        scope = InstrumentationScope(name: label, version: TelemetryVersion.current)
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let now = WallClock.nanoseconds()
        let explicit = event.metadata
        var attributes: [String: LogValue] = [:]
        attributes.reserveCapacity(metadata.count + (explicit?.count ?? 0) + 5)
        for (key, value) in metadata { attributes[key] = LogValue(value) }
        if let provided = metadataProvider?.get() {
            for (key, value) in provided { attributes[key] = LogValue(value) }
        }
        if let explicit {
            for (key, value) in explicit { attributes[key] = LogValue(value) }
        }
        attributes["code.filepath"] = .string(event.file)
        attributes["code.lineno"] = .int(Int64(event.line))
        attributes["code.function"] = .string(event.function)
        if let error = event.error {
            // OpenTelemetry's exception attributes, as on a span's exception event.
            attributes["exception.type"] = .string(String(reflecting: type(of: error)))
            attributes["exception.message"] = .string(String(describing: error))
        }
        processor.onEmit(LogRecordData(
            timestamp: now, observedTimestamp: now, severity: LogSeverity(event.level),
            severityText: event.level.rawValue.uppercased(), body: .string(event.message.description),
            attributes: attributes, spanContext: SpanContext.active, resource: resource, scope: scope))
    }
}
