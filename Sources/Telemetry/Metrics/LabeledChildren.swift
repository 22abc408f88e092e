import Synchronization

/// A child of a metric family: one time series, addressed by its label values.
protocol LabeledChild: AnyObject, Sendable {
    var labels: LabelSet { get }
    /// What the encoder copies before each value: `name{labels} ` for counters and gauges,
    /// the rendered labels for histograms (which write several lines per child).
    var linePrefix: [UInt8] { get }
}

/// The children of one family: created on first use, cached by label values, kept in a sorted
/// list that is rebuilt only when a child is added or removed.
final class LabeledChildren<Child: LabeledChild>: Sendable {
    private struct State {
        var byValues: [[String]: Child] = [:]
        /// nil when children were added or removed since it was built.
        var sorted: SortedChildren<Child>?
    }

    let descriptor: MetricDescriptor
    private let make: @Sendable (LabelSet) -> Child
    private let state = Mutex(State())

    init(descriptor: MetricDescriptor, make: @escaping @Sendable (LabelSet) -> Child) {
        self.descriptor = descriptor
        self.make = make
    }

    /// The child for these values, created if it does not exist yet.
    func child(_ values: [String]) throws(MetricError) -> Child {
        guard values.count == descriptor.labelNames.count else {
            throw .labelCountMismatch(
                metric: descriptor.name, expected: descriptor.labelNames.count, got: values.count)
        }
        return state.withLock { state in
            if let existing = state.byValues[values] { return existing }
            let created = make(LabelSet(names: descriptor.labelNames, values: values))
            state.byValues[values] = created
            state.sorted = nil
            return created
        }
    }

    /// The child for a name → value map; absent names get the empty value.
    func child(attributes: [String: String]) throws(MetricError) -> Child {
        for key in attributes.keys where !descriptor.labelNames.contains(key) {
            throw .unknownLabel(metric: descriptor.name, label: key)
        }
        return try child(descriptor.labelNames.map { attributes[$0] ?? "" })
    }

    /// The child whose label values are all empty, which an unlabeled call on a labeled
    /// family addresses (Prometheus treats an empty label value as an absent label).
    func emptyValuesChild() -> Child? {
        try? child(Array(repeating: "", count: descriptor.labelNames.count))
    }

    /// Removes a child; returns whether it existed.
    @discardableResult
    func remove(_ values: [String]) -> Bool {
        state.withLock { state in
            guard state.byValues.removeValue(forKey: values) != nil else { return false }
            state.sorted = nil
            return true
        }
    }

    /// Every child, ordered by label values.
    func sorted() -> SortedChildren<Child> {
        state.withLock { state in
            if let current = state.sorted { return current }
            let rebuilt = SortedChildren(state.byValues.values.sorted { $0.labels < $1.labels })
            state.sorted = rebuilt
            return rebuilt
        }
    }
}
