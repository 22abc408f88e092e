import Synchronization

/// One histogram series. Observations are lock-free: one atomic add on the bucket and one on the
/// sum. The count is the sum of the buckets, so `+Inf` always equals `_count`.
public final class HistogramChild: LabeledChild, @unchecked Sendable {
    // @unchecked: `counts` and `upperBounds` are allocated once in init and never reassigned;
    // counts are only touched through atomics, bounds only read; deinit runs when no other
    // reference exists.

    /// The series' label values.
    public let labels: LabelSet
    /// The rendered labels; histogram lines add `le` and their own names around them.
    var linePrefix: [UInt8] { labels.rendered }
    /// Upper bounds without `+Inf`.
    public let bounds: [Double]
    /// Per-bucket (not cumulative) counts; the last slot is the `+Inf` bucket.
    private let counts: UnsafeMutablePointer<Atomic<UInt64>>
    /// A copy of `bounds` the hot path reads without retaining an array or checking indices.
    private let upperBounds: UnsafeMutableBufferPointer<Double>
    private let total = AtomicDouble()
    private let exemplars = Mutex<[Exemplar?]>([])

    init(labels: LabelSet, bounds: [Double]) {
        self.labels = labels
        self.bounds = bounds
        upperBounds = .allocate(capacity: bounds.count)
        _ = upperBounds.initialize(from: bounds)
        counts = .allocate(capacity: bounds.count + 1)
        for index in 0...bounds.count {
            (counts + index).initialize(to: Atomic(0))
        }
    }

    deinit {
        counts.deinitialize(count: bounds.count + 1)
        counts.deallocate()
        upperBounds.deallocate()
    }

    /// Records one observation. NaN lands in `+Inf` and makes the sum NaN, as in Prometheus.
    public func observe(_ value: Double) {
        counts[bucketIndex(for: value)].wrappingAdd(1, ordering: .relaxed)
        total.add(value)
    }

    /// Records one observation and keeps it as the exemplar of the bucket it falls in.
    public func observe(_ value: Double, exemplar: Exemplar) {
        let index = bucketIndex(for: value)
        counts[index].wrappingAdd(1, ordering: .relaxed)
        total.add(value)
        exemplars.withLock { stored in
            if stored.isEmpty { stored = Array(repeating: nil, count: bounds.count + 1) }
            stored[index] = exemplar
        }
    }

    /// Records `value` with `traceID`/`spanID` as the bucket's exemplar, timestamped now.
    public func observe(_ value: Double, traceID: String, spanID: String) {
        observe(value, exemplar: Exemplar(traceID: traceID, spanID: spanID, value: value))
    }

    /// The first bucket whose bound is ≥ value (bounds are inclusive upper limits); NaN
    /// compares false everywhere and so lands in `+Inf`.
    @inline(__always)
    private func bucketIndex(for value: Double) -> Int {
        let count = upperBounds.count
        if count <= 16 {
            var index = 0
            while index < count, !(value <= upperBounds[index]) { index &+= 1 }
            return index
        }
        var low = 0
        var high = count
        while low < high {
            let middle = (low &+ high) >> 1
            if value <= upperBounds[middle] { high = middle } else { low = middle &+ 1 }
        }
        return low
    }

    /// The non-cumulative count of bucket `index` (`bounds.count` is `+Inf`).
    func bucketCount(at index: Int) -> UInt64 { counts[index].load(ordering: .relaxed) }

    /// The sum of all observations.
    var sum: Double { total.load() }

    /// The exemplar per bucket, or empty if none was ever recorded.
    var bucketExemplars: [Exemplar?] { exemplars.withLock { $0 } }

    /// A consistent-enough copy for exposition: cumulative counts, sum, count and exemplars.
    public var snapshot: HistogramSnapshot {
        var cumulative: [UInt64] = []
        cumulative.reserveCapacity(bounds.count + 1)
        var running: UInt64 = 0
        for index in 0...bounds.count {
            running &+= counts[index].load(ordering: .relaxed)
            cumulative.append(running)
        }
        return HistogramSnapshot(
            bounds: bounds, cumulativeCounts: cumulative, sum: total.load(),
            exemplars: exemplars.withLock { $0 })
    }
}

/// A read of one histogram series.
public struct HistogramSnapshot: Sendable, Equatable {
    /// Upper bounds without `+Inf`.
    public let bounds: [Double]
    /// Cumulative counts per bound; the last entry is `+Inf`.
    public let cumulativeCounts: [UInt64]
    /// Sum of all observations.
    public let sum: Double
    /// Exemplar per bucket (same indices as `cumulativeCounts`), or empty if none was recorded.
    public let exemplars: [Exemplar?]

    /// Number of observations (the `+Inf` bucket).
    public var count: UInt64 { cumulativeCounts.last ?? 0 }
}
