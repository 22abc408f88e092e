import Synchronization

/// A monotonic counter family. Exposed as `<name>_total`.
///
/// Label names are fixed at creation. `labels(_:)` returns a cached child that can be kept and
/// incremented without any lookup; an unlabeled family is incremented directly.
public final class Counter: Sendable {
    /// Name, help, unit and label names.
    public let descriptor: MetricDescriptor
    let children: LabeledChildren<CounterChild>
    private let unlabeled: UnretainedChild<CounterChild>

    init(descriptor: MetricDescriptor) {
        self.descriptor = descriptor
        let sampleName = descriptor.name + "_total"
        children = LabeledChildren(descriptor: descriptor) { CounterChild(labels: $0, sampleName: sampleName) }
        unlabeled = UnretainedChild(descriptor.labelNames.isEmpty ? try? children.child([]) : nil)
    }

    /// The child for these label values, in label-name order.
    public func labels(_ values: String...) throws(MetricError) -> CounterChild {
        try children.child(values)
    }

    /// The child for these label values, in label-name order.
    public func labels(_ values: [String]) throws(MetricError) -> CounterChild {
        try children.child(values)
    }

    /// The child for a label-name → value map; a missing label gets the empty value.
    public func labels(attributes: [String: String]) throws(MetricError) -> CounterChild {
        try children.child(attributes: attributes)
    }

    /// Removes the series with these label values; returns whether it existed.
    @discardableResult
    public func remove(_ values: [String]) -> Bool { children.remove(values) }

    /// Adds to the unlabeled series (for a labeled family: the series whose values are all empty).
    public func increment(by delta: Int64 = 1) {
        if unlabeled.withChild({ $0.increment(by: delta) }) == nil { defaultChild?.increment(by: delta) }
    }

    /// Adds to the unlabeled series (for a labeled family: the series whose values are all empty).
    @_disfavoredOverload
    public func increment(by delta: Double) {
        if unlabeled.withChild({ $0.increment(by: delta) }) == nil { defaultChild?.increment(by: delta) }
    }

    /// Moves the unlabeled series up to `total` (see `CounterChild.advance(to:)`).
    public func advance(to total: Double) { defaultChild?.advance(to: total) }

    /// The value of the unlabeled series.
    public var value: Double { defaultChild?.value ?? 0 }

    @inline(__always)
    private var defaultChild: CounterChild? {
        unlabeled.withChild { $0 } ?? children.emptyValuesChild()
    }
}

/// One counter series. Increments are lock-free; negative and NaN increments are ignored,
/// since a counter only goes up.
public final class CounterChild: LabeledChild {
    /// The series' label values.
    public let labels: LabelSet
    private let sum = AtomicSum()
    private let lastExemplar = Mutex<Exemplar?>(nil)

    /// `name{labels} `, ready to be copied into an exposition.
    let linePrefix: [UInt8]

    init(labels: LabelSet, sampleName: String) {
        self.labels = labels
        linePrefix = labels.linePrefix(sampleName: sampleName)
    }

    /// Adds a whole number (one atomic add).
    @inlinable
    public func increment(by delta: Int64 = 1) {
        addInteger(delta)
    }

    /// Adds a fractional amount.
    @_disfavoredOverload
    public func increment(by delta: Double) {
        guard delta >= 0 else { return }
        sum.add(delta)
    }

    /// Adds and records the trace that caused it as the series' exemplar.
    public func increment(by delta: Double, exemplar: Exemplar) {
        guard delta >= 0 else { return }
        sum.add(delta)
        lastExemplar.withLock { $0 = exemplar }
    }

    /// Adds and records `traceID`/`spanID` as the exemplar, valued `delta`, timestamped now.
    public func increment(by delta: Double = 1, traceID: String, spanID: String) {
        increment(by: delta, exemplar: Exemplar(traceID: traceID, spanID: spanID, value: delta))
    }

    /// Moves the counter up to `total`, for counters that mirror a monotonic total kept elsewhere
    /// (CPU seconds read from the OS). A lower total is ignored. Meant for one updating thread.
    public func advance(to total: Double) {
        let current = sum.load()
        if total > current { sum.add(total - current) }
    }

    @usableFromInline
    func addInteger(_ delta: Int64) {
        guard delta >= 0 else { return }
        sum.add(delta)
    }

    /// The current total.
    public var value: Double { sum.load() }

    /// The most recent exemplar, if any.
    public var exemplar: Exemplar? { lastExemplar.withLock { $0 } }
}
