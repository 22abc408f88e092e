/// A sum that can go up and down (queue depth, open connections). Exposed as a gauge, as the
/// OpenTelemetry–Prometheus compatibility spec maps non-monotonic sums.
public final class UpDownCounter: Sendable {
    /// Name, help, unit and label names.
    public let descriptor: MetricDescriptor
    let children: LabeledChildren<UpDownCounterChild>
    private let unlabeled: UnretainedChild<UpDownCounterChild>

    init(descriptor: MetricDescriptor) {
        self.descriptor = descriptor
        let sampleName = descriptor.name
        children = LabeledChildren(descriptor: descriptor) { UpDownCounterChild(labels: $0, sampleName: sampleName) }
        unlabeled = UnretainedChild(descriptor.labelNames.isEmpty ? try? children.child([]) : nil)
    }

    /// The child for these label values, in label-name order.
    public func labels(_ values: String...) throws(MetricError) -> UpDownCounterChild {
        try children.child(values)
    }

    /// The child for these label values, in label-name order.
    public func labels(_ values: [String]) throws(MetricError) -> UpDownCounterChild {
        try children.child(values)
    }

    /// The child for a label-name → value map; a missing label gets the empty value.
    public func labels(attributes: [String: String]) throws(MetricError) -> UpDownCounterChild {
        try children.child(attributes: attributes)
    }

    /// Removes the series with these label values; returns whether it existed.
    @discardableResult
    public func remove(_ values: [String]) -> Bool { children.remove(values) }

    /// Adds to the unlabeled series (for a labeled family: the series whose values are all empty).
    public func add(_ delta: Int64) {
        if unlabeled.withChild({ $0.add(delta) }) == nil { defaultChild?.add(delta) }
    }

    /// Adds to the unlabeled series (for a labeled family: the series whose values are all empty).
    @_disfavoredOverload
    public func add(_ delta: Double) {
        if unlabeled.withChild({ $0.add(delta) }) == nil { defaultChild?.add(delta) }
    }

    /// The value of the unlabeled series.
    public var value: Double { defaultChild?.value ?? 0 }

    @inline(__always)
    private var defaultChild: UpDownCounterChild? {
        unlabeled.withChild { $0 } ?? children.emptyValuesChild()
    }
}

/// One up-down counter series; lock-free.
public final class UpDownCounterChild: LabeledChild {
    /// The series' label values.
    public let labels: LabelSet
    private let sum = AtomicSum()

    /// `name{labels} `, ready to be copied into an exposition.
    let linePrefix: [UInt8]

    init(labels: LabelSet, sampleName: String) {
        self.labels = labels
        linePrefix = labels.linePrefix(sampleName: sampleName)
    }

    /// Adds a whole number, which may be negative.
    public func add(_ delta: Int64) { sum.add(delta) }

    /// Adds an amount, which may be negative.
    @_disfavoredOverload
    public func add(_ delta: Double) { sum.add(delta) }

    /// The current value.
    public var value: Double { sum.load() }
}
