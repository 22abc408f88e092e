import CoreMetrics
import Logging

/// A `swift-metrics` backend that records into a `MetricRegistry`, so metrics from libraries
/// using `Metrics` show up on `/metrics` and in OTLP exports.
///
/// ```swift
/// MetricsSystem.bootstrap(TelemetryMetricsFactory(registry: registry))
/// ```
///
/// Labels become Prometheus names (characters outside `[a-zA-Z0-9_]` turn into `_`), dimensions
/// become labels sorted by name. Counters and floating-point counters map to counters, meters
/// to gauges, recorders to histograms (`aggregate: true`) or gauges, timers to histograms in
/// seconds named `<label>_seconds`. A label reused with another kind or other dimension names
/// cannot be registered: that handler is logged once and records nothing. `reset()` is ignored
/// (Prometheus counters only go up); `destroy` keeps the series.
public struct TelemetryMetricsFactory: CoreMetrics.MetricsFactory {
    /// Where the instruments live.
    public let registry: MetricRegistry
    /// Bucket bounds for recorders, in the recorded unit.
    public let recorderBuckets: [Double]
    /// Bucket bounds for timers, in seconds.
    public let timerBuckets: [Double]
    private let logger = Logger(label: "Telemetry.MetricsFactory")

    /// Creates the factory.
    public init(
        registry: MetricRegistry, recorderBuckets: [Double] = Histogram.defaultBuckets,
        timerBuckets: [Double] = Histogram.defaultBuckets
    ) {
        self.registry = registry
        self.recorderBuckets = recorderBuckets
        self.timerBuckets = timerBuckets
    }

    public func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        make(label, dimensions, fallback: NoOpMetricsHandler.instance) { name, labels, values throws(MetricError) in
            try registry.counter(name: name, help: label, labelNames: labels).labels(values)
        }
    }

    public func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        make(label, dimensions, fallback: NoOpMetricsHandler.instance) { name, labels, values throws(MetricError) in
            try registry.counter(name: name, help: label, labelNames: labels).labels(values)
        }
    }

    public func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        make(label, dimensions, fallback: NoOpMetricsHandler.instance) { name, labels, values throws(MetricError) in
            GaugeMeterHandler(child: try registry.gauge(name: name, help: label, labelNames: labels).labels(values))
        }
    }

    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        make(label, dimensions, fallback: NoOpMetricsHandler.instance) { name, labels, values throws(MetricError) -> any RecorderHandler in
            if aggregate {
                return try registry.histogram(name: name, help: label, labelNames: labels, buckets: recorderBuckets)
                    .labels(values)
            }
            return try registry.gauge(name: name, help: label, labelNames: labels).labels(values)
        }
    }

    public func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        make(label, dimensions, fallback: NoOpMetricsHandler.instance) { name, labels, values throws(MetricError) in
            let seconds = name.hasSuffix("_seconds") ? name : name + "_seconds"
            let histogram = try registry.histogram(
                name: seconds, help: label, unit: "seconds", labelNames: labels, buckets: timerBuckets)
            return SecondsTimerHandler(child: try histogram.labels(values))
        }
    }

    public func destroyCounter(_ handler: any CounterHandler) {}
    public func destroyMeter(_ handler: any MeterHandler) {}
    public func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {}
    public func destroyRecorder(_ handler: any RecorderHandler) {}
    public func destroyTimer(_ handler: any TimerHandler) {}

    private func make<Handler>(
        _ label: String, _ dimensions: [(String, String)], fallback: Handler,
        _ register: (String, [String], [String]) throws(MetricError) -> Handler
    ) -> Handler {
        let sorted = dimensions.map { (Self.prometheusName($0.0), $0.1) }.sorted { $0.0 < $1.0 }
        do {
            return try register(Self.prometheusName(label), sorted.map(\.0), sorted.map(\.1))
        } catch {
            logger.error("swift-metrics label cannot be registered; it will record nothing",
                metadata: ["label": "\(label)", "reason": "\(error)"])
            return fallback
        }
    }

    /// `label` with every character outside `[a-zA-Z0-9_]` replaced by `_`, and a leading `_`
    /// when it would start with a digit.
    static func prometheusName(_ label: String) -> String {
        var name = String(label.unicodeScalars.map { scalar -> Character in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_")
                ? Character(scalar) : "_"
        })
        if name.first.map({ $0.isNumber }) ?? true { name = "_" + name }
        return name
    }
}
