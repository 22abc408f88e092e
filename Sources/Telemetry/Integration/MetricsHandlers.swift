import CoreMetrics

extension CounterChild: CounterHandler, FloatingPointCounterHandler {
    /// Ignored: Prometheus counters only go up, and a reset would break `rate()`.
    public func reset() {}
}

extension GaugeChild: RecorderHandler {
    public func record(_ value: Int64) { set(Double(value)) }
    public func record(_ value: Double) { set(value) }
}

/// A swift-metrics meter over a gauge. (A wrapper, not a conformance: `MeterHandler`'s
/// `set(Int64)` would make `gauge.set(1)` ambiguous for every user of `GaugeChild`.)
final class GaugeMeterHandler: MeterHandler {
    let child: GaugeChild

    init(child: GaugeChild) {
        self.child = child
    }

    func set(_ value: Int64) { child.set(Double(value)) }
    func set(_ value: Double) { child.set(value) }
    func increment(by amount: Double) { child.add(amount) }
    func decrement(by amount: Double) { child.add(-amount) }
}

extension HistogramChild: RecorderHandler {
    public func record(_ value: Int64) { observe(Double(value)) }
    public func record(_ value: Double) { observe(value) }
}

/// A swift-metrics timer over a histogram in seconds.
final class SecondsTimerHandler: TimerHandler {
    let child: HistogramChild

    init(child: HistogramChild) {
        self.child = child
    }

    func recordNanoseconds(_ duration: Int64) {
        child.observe(Double(duration) / 1e9)
    }
}

/// What a swift-metrics label that could not be registered records into: nothing.
final class NoOpMetricsHandler: CounterHandler, FloatingPointCounterHandler, MeterHandler, RecorderHandler,
    TimerHandler
{
    static let instance = NoOpMetricsHandler()
    func increment(by: Int64) {}
    func increment(by: Double) {}
    func reset() {}
    func set(_ value: Int64) {}
    func set(_ value: Double) {}
    func decrement(by: Double) {}
    func record(_ value: Int64) {}
    func record(_ value: Double) {}
    func recordNanoseconds(_ duration: Int64) {}
}
