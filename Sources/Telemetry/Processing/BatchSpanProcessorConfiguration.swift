/// The batch span processor's settings; the defaults are the specification's.
public struct BatchSpanProcessorConfiguration: Sendable, Hashable {
    /// The most spans waiting for export; more are dropped and counted (default 2048).
    public var maxQueueSize: Int
    /// The longest a span waits before its batch is exported (default 5 s).
    public var scheduledDelay: Duration
    /// The most spans per export; a full batch is exported without waiting (default 512).
    public var maxExportBatchSize: Int
    /// How long one export may take before it is cancelled and counted as failed (default 30 s).
    public var exportTimeout: Duration

    /// Creates a configuration. The batch size is capped at the queue size.
    public init(
        maxQueueSize: Int = 2048, scheduledDelay: Duration = .seconds(5), maxExportBatchSize: Int = 512,
        exportTimeout: Duration = .seconds(30)
    ) {
        self.maxQueueSize = max(maxQueueSize, 1)
        self.scheduledDelay = scheduledDelay
        self.maxExportBatchSize = min(max(maxExportBatchSize, 1), self.maxQueueSize)
        self.exportTimeout = exportTimeout
    }

    /// The defaults overridden by `OTEL_BSP_MAX_QUEUE_SIZE`, `OTEL_BSP_SCHEDULE_DELAY` (ms),
    /// `OTEL_BSP_MAX_EXPORT_BATCH_SIZE` and `OTEL_BSP_EXPORT_TIMEOUT` (ms).
    public static func fromEnvironment(_ environment: [String: String] = Environment.variables) -> Self {
        let reader = EnvironmentReader(environment)
        let defaults = BatchSpanProcessorConfiguration()
        return BatchSpanProcessorConfiguration(
            maxQueueSize: reader.integer("OTEL_BSP_MAX_QUEUE_SIZE") ?? defaults.maxQueueSize,
            scheduledDelay: reader.milliseconds("OTEL_BSP_SCHEDULE_DELAY") ?? defaults.scheduledDelay,
            maxExportBatchSize: reader.integer("OTEL_BSP_MAX_EXPORT_BATCH_SIZE") ?? defaults.maxExportBatchSize,
            exportTimeout: reader.milliseconds("OTEL_BSP_EXPORT_TIMEOUT") ?? defaults.exportTimeout)
    }
}
