/// A batch processor's settings. The initializer's defaults are the specification's for spans;
/// `logs(_:)` gives the log-record defaults (a 1 s delay).
public struct BatchProcessorConfiguration: Sendable, Hashable {
    /// The most items waiting for export; more are dropped and counted (default 2048).
    public var maxQueueSize: Int
    /// The longest an item waits before its batch is exported (default 5 s for spans, 1 s for
    /// log records).
    public var scheduledDelay: Duration
    /// The most items per export; a full batch is exported without waiting (default 512).
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

    /// The span defaults overridden by `OTEL_BSP_MAX_QUEUE_SIZE`, `OTEL_BSP_SCHEDULE_DELAY` (ms),
    /// `OTEL_BSP_MAX_EXPORT_BATCH_SIZE` and `OTEL_BSP_EXPORT_TIMEOUT` (ms).
    public static func fromEnvironment(_ environment: [String: String] = Environment.variables) -> Self {
        read("OTEL_BSP_", defaults: BatchProcessorConfiguration(), environment)
    }

    /// The log-record defaults (delay 1 s) overridden by `OTEL_BLRP_MAX_QUEUE_SIZE`,
    /// `OTEL_BLRP_SCHEDULE_DELAY` (ms), `OTEL_BLRP_MAX_EXPORT_BATCH_SIZE` and
    /// `OTEL_BLRP_EXPORT_TIMEOUT` (ms).
    public static func logs(_ environment: [String: String] = Environment.variables) -> Self {
        read("OTEL_BLRP_", defaults: BatchProcessorConfiguration(scheduledDelay: .seconds(1)), environment)
    }

    private static func read(_ prefix: String, defaults: Self, _ environment: [String: String]) -> Self {
        let reader = EnvironmentReader(environment)
        return BatchProcessorConfiguration(
            maxQueueSize: reader.integer(prefix + "MAX_QUEUE_SIZE") ?? defaults.maxQueueSize,
            scheduledDelay: reader.milliseconds(prefix + "SCHEDULE_DELAY") ?? defaults.scheduledDelay,
            maxExportBatchSize: reader.integer(prefix + "MAX_EXPORT_BATCH_SIZE") ?? defaults.maxExportBatchSize,
            exportTimeout: reader.milliseconds(prefix + "EXPORT_TIMEOUT") ?? defaults.exportTimeout)
    }
}

/// The batch span processor's settings (the name it had before log records shared them).
public typealias BatchSpanProcessorConfiguration = BatchProcessorConfiguration
