/// A histogram family with explicit bucket bounds, exposed as cumulative `_bucket{le}` series
/// ending in `+Inf`, plus `_sum` and `_count`.
public final class Histogram: Sendable {
    /// Prometheus's default bounds, in seconds.
    public static let defaultBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    /// Name, help, unit and label names.
    public let descriptor: MetricDescriptor
    /// Upper bounds, finite and strictly increasing; `+Inf` is implicit.
    public let buckets: [Double]
    let children: LabeledChildren<HistogramChild>
    private let unlabeled: UnretainedChild<HistogramChild>

    init(descriptor: MetricDescriptor, buckets: [Double]) throws(MetricError) {
        self.descriptor = descriptor
        let bounds = try Histogram.validated(buckets, metric: descriptor.name)
        self.buckets = bounds
        children = LabeledChildren(descriptor: descriptor) { HistogramChild(labels: $0, bounds: bounds) }
        unlabeled = UnretainedChild(descriptor.labelNames.isEmpty ? try? children.child([]) : nil)
    }

    /// Drops a trailing `+Inf` and checks the rest are finite and strictly increasing.
    static func validated(_ buckets: [Double], metric: String) throws(MetricError) -> [Double] {
        var bounds = buckets
        if bounds.last == .infinity { bounds.removeLast() }
        for (index, bound) in bounds.enumerated() {
            guard bound.isFinite else {
                throw .invalidBuckets(metric: metric, reason: "bound \(bound) at index \(index) is not finite")
            }
            if index > 0, bound <= bounds[index - 1] {
                throw .invalidBuckets(
                    metric: metric, reason: "bound \(bound) at index \(index) is not greater than \(bounds[index - 1])")
            }
        }
        return bounds
    }

    /// The child for these label values, in label-name order.
    public func labels(_ values: String...) throws(MetricError) -> HistogramChild {
        try children.child(values)
    }

    /// The child for these label values, in label-name order.
    public func labels(_ values: [String]) throws(MetricError) -> HistogramChild {
        try children.child(values)
    }

    /// The child for a label-name → value map; a missing label gets the empty value.
    public func labels(attributes: [String: String]) throws(MetricError) -> HistogramChild {
        try children.child(attributes: attributes)
    }

    /// Removes the series with these label values; returns whether it existed.
    @discardableResult
    public func remove(_ values: [String]) -> Bool { children.remove(values) }

    /// Records into the unlabeled series (for a labeled family: the series whose values are all empty).
    public func observe(_ value: Double) {
        if unlabeled.withChild({ $0.observe(value) }) == nil { defaultChild?.observe(value) }
    }

    /// Records with an exemplar into the unlabeled series.
    public func observe(_ value: Double, exemplar: Exemplar) { defaultChild?.observe(value, exemplar: exemplar) }

    /// The unlabeled series' counts.
    public var snapshot: HistogramSnapshot? { defaultChild?.snapshot }

    @inline(__always)
    private var defaultChild: HistogramChild? {
        unlabeled.withChild { $0 } ?? children.emptyValuesChild()
    }
}
