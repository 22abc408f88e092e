import Synchronization

/// Owns metric families by name and hands out the same family for the same registration.
///
/// Registering a name again with the same type, label names, unit and buckets returns the
/// existing family (its first help text stays). Anything else that reuses a name, or a sample
/// name such as `x_total` or `x_bucket`, throws `MetricError.conflictingRegistration`.
public final class MetricRegistry: Sendable {
    /// The process-wide registry: what an application registers its metrics in when it has
    /// no reason to keep several apart (an embedded `DashboardServer` and `/metrics` read it).
    public static let shared = MetricRegistry()

    private struct State {
        var families: [String: MetricFamily] = [:]
        var sampleNames: [String: String] = [:]
        var sorted: [MetricFamily] = []
        var collectors: [any MetricCollector] = []
    }

    private let state = Mutex(State())
    private let lastExpositionSize = Atomic<Int>(16 * 1024)

    /// Creates an empty registry.
    public init() {}

    /// Registers (or returns) a monotonic counter.
    public func counter(
        name: String, help: String, unit: String = "", labelNames: [String] = []
    ) throws(MetricError) -> Counter {
        let descriptor = try MetricDescriptor(name: name, type: .counter, help: help, unit: unit, labelNames: labelNames)
        let family = try register(descriptor, kind: "counter") { .counter(Counter(descriptor: descriptor)) }
        guard case .counter(let counter) = family else { throw conflict(descriptor.name, family, "counter") }
        return counter
    }

    /// Registers (or returns) an up-down counter, exposed as a gauge.
    public func upDownCounter(
        name: String, help: String, unit: String = "", labelNames: [String] = []
    ) throws(MetricError) -> UpDownCounter {
        let descriptor = try MetricDescriptor(name: name, type: .gauge, help: help, unit: unit, labelNames: labelNames)
        let family = try register(descriptor, kind: "up-down counter") {
            .upDownCounter(UpDownCounter(descriptor: descriptor))
        }
        guard case .upDownCounter(let counter) = family else {
            throw conflict(descriptor.name, family, "up-down counter")
        }
        return counter
    }

    /// Registers (or returns) a gauge.
    public func gauge(
        name: String, help: String, unit: String = "", labelNames: [String] = []
    ) throws(MetricError) -> Gauge {
        let descriptor = try MetricDescriptor(name: name, type: .gauge, help: help, unit: unit, labelNames: labelNames)
        let family = try register(descriptor, kind: "gauge") { .gauge(Gauge(descriptor: descriptor)) }
        guard case .gauge(let gauge) = family else { throw conflict(descriptor.name, family, "gauge") }
        return gauge
    }

    /// Registers (or returns) a histogram with explicit bucket bounds.
    public func histogram(
        name: String, help: String, unit: String = "", labelNames: [String] = [],
        buckets: [Double] = Histogram.defaultBuckets
    ) throws(MetricError) -> Histogram {
        let descriptor = try MetricDescriptor(
            name: name, type: .histogram, help: help, unit: unit, labelNames: labelNames)
        let created = try Histogram(descriptor: descriptor, buckets: buckets)
        let family = try register(descriptor, kind: "histogram") { .histogram(created) }
        guard case .histogram(let histogram) = family else { throw conflict(descriptor.name, family, "histogram") }
        guard histogram.buckets == created.buckets else {
            throw .conflictingRegistration(
                metric: descriptor.name, reason: "already registered with buckets \(histogram.buckets)")
        }
        return histogram
    }

    /// Removes a family; returns whether it was registered.
    @discardableResult
    public func unregister(name: String) -> Bool {
        state.withLock { state in
            guard let family = state.families.removeValue(forKey: name) else { return false }
            for sample in family.descriptor.sampleNames { state.sampleNames[sample] = nil }
            state.sorted = state.families.values.sorted { $0.descriptor.name < $1.descriptor.name }
            return true
        }
    }

    /// Adds a collector whose families are written after the registered ones at every scrape.
    public func register(collector: any MetricCollector) {
        state.withLock { $0.collectors.append(collector) }
    }

    /// Bytes the last exposition took, so the next one reserves its buffer once.
    var expositionSizeHint: Int {
        get { lastExpositionSize.load(ordering: .relaxed) }
        set { lastExpositionSize.store(newValue, ordering: .relaxed) }
    }

    /// Every family, ordered by name.
    var families: [MetricFamily] { state.withLock { $0.sorted } }

    /// The collectors, in registration order.
    var collectors: [any MetricCollector] { state.withLock { $0.collectors } }

    /// Whether a collected family would write a sample name a registered family owns.
    func collides(_ family: CollectedFamily) -> Bool {
        let names = MetricDescriptor.sampleNames(name: family.name, type: family.type)
        return state.withLock { state in names.contains { state.sampleNames[$0] != nil } }
    }

    /// The family registered under `name`, if any.
    func family(named name: String) -> MetricFamily? {
        state.withLock { $0.families[name] }
    }

    private func register(
        _ descriptor: MetricDescriptor, kind: String, make: () throws(MetricError) -> MetricFamily
    ) throws(MetricError) -> MetricFamily {
        try state.withLock { (state) throws(MetricError) -> MetricFamily in
            if let existing = state.families[descriptor.name] {
                let old = existing.descriptor
                guard existing.kindName == kind else { throw conflict(descriptor.name, existing, kind) }
                guard old.labelNames == descriptor.labelNames else {
                    throw .conflictingRegistration(
                        metric: descriptor.name, reason: "already registered with label names \(old.labelNames)")
                }
                guard old.unit == descriptor.unit else {
                    throw .conflictingRegistration(
                        metric: descriptor.name, reason: "already registered with unit \"\(old.unit)\"")
                }
                return existing
            }
            for sample in descriptor.sampleNames {
                if let owner = state.sampleNames[sample] {
                    throw .conflictingRegistration(
                        metric: descriptor.name, reason: "sample name \(sample) is already used by \(owner)")
                }
            }
            let family = try make()
            state.families[descriptor.name] = family
            for sample in descriptor.sampleNames { state.sampleNames[sample] = descriptor.name }
            state.sorted = state.families.values.sorted { $0.descriptor.name < $1.descriptor.name }
            return family
        }
    }

    private func conflict(_ name: String, _ existing: MetricFamily, _ wanted: String) -> MetricError {
        .conflictingRegistration(metric: name, reason: "already registered as a \(existing.kindName), not a \(wanted)")
    }
}
