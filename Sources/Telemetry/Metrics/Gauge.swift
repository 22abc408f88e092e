/// A value that is set (temperature, last run time, memory in use).
public final class Gauge: Sendable {
    /// Name, help, unit and label names.
    public let descriptor: MetricDescriptor
    let children: LabeledChildren<GaugeChild>
    private let unlabeled: UnretainedChild<GaugeChild>

    init(descriptor: MetricDescriptor) {
        self.descriptor = descriptor
        let sampleName = descriptor.name
        children = LabeledChildren(descriptor: descriptor) { GaugeChild(labels: $0, sampleName: sampleName) }
        unlabeled = UnretainedChild(descriptor.labelNames.isEmpty ? try? children.child([]) : nil)
    }

    /// The child for these label values, in label-name order.
    public func labels(_ values: String...) throws(MetricError) -> GaugeChild {
        try children.child(values)
    }

    /// The child for these label values, in label-name order.
    public func labels(_ values: [String]) throws(MetricError) -> GaugeChild {
        try children.child(values)
    }

    /// The child for a label-name → value map; a missing label gets the empty value.
    public func labels(attributes: [String: String]) throws(MetricError) -> GaugeChild {
        try children.child(attributes: attributes)
    }

    /// Removes the series with these label values; returns whether it existed.
    @discardableResult
    public func remove(_ values: [String]) -> Bool { children.remove(values) }

    /// Sets the unlabeled series (for a labeled family: the series whose values are all empty).
    public func set(_ value: Double) {
        if unlabeled.withChild({ $0.set(value) }) == nil { defaultChild?.set(value) }
    }

    /// Adds to the unlabeled series (for a labeled family: the series whose values are all empty).
    public func add(_ delta: Double) {
        if unlabeled.withChild({ $0.add(delta) }) == nil { defaultChild?.add(delta) }
    }

    /// The value of the unlabeled series.
    public var value: Double { defaultChild?.value ?? 0 }

    @inline(__always)
    private var defaultChild: GaugeChild? {
        unlabeled.withChild { $0 } ?? children.emptyValuesChild()
    }
}

/// One gauge series; lock-free.
public final class GaugeChild: LabeledChild {
    /// The series' label values.
    public let labels: LabelSet
    private let current = AtomicDouble()

    /// `name{labels} `, ready to be copied into an exposition.
    let linePrefix: [UInt8]

    init(labels: LabelSet, sampleName: String) {
        self.labels = labels
        linePrefix = labels.linePrefix(sampleName: sampleName)
    }

    /// Replaces the value.
    public func set(_ value: Double) { current.store(value) }

    /// Adds an amount, which may be negative.
    public func add(_ delta: Double) { current.add(delta) }

    /// The current value.
    public var value: Double { current.load() }
}
