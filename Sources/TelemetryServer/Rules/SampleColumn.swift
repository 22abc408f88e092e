import PromQL

/// One series' samples in a rule unit test. Input series and rule outputs land on a regular
/// grid (the test's interval, the evaluation interval), so the times are implicit: 8 bytes a
/// sample instead of 16, which is most of what a long test holds. A sample off the grid turns
/// the column into plain samples.
struct SampleColumn: Sendable {
    /// Marks a grid step without a sample: a signalling NaN that arithmetic never produces and
    /// that differs from the staleness marker.
    private static let absent: UInt64 = 0x7ff0_0000_0000_0bad

    private var start: Int64 = 0
    private let step: Int64
    private var values: [Double] = []
    private var irregular: [Sample]?

    init(step: Int64, capacity: Int = 0) {
        self.step = Swift.max(step, 1)
        values.reserveCapacity(capacity)
    }

    private var lastTime: Int64 { start + Int64(values.count - 1) * step }

    /// Appends a sample later than every sample so far.
    mutating func append(_ sample: Sample) {
        if irregular != nil {
            irregular?.append(sample)
            return
        }
        guard !values.isEmpty else {
            start = sample.time
            values.append(sample.value)
            return
        }
        let offset = sample.time - start
        guard sample.time > lastTime, offset % step == 0 else {
            irregular = self.samples(from: .min, through: .max) + [sample]
            values = []
            return
        }
        let index = Int(offset / step)
        if index > values.count { values.append(contentsOf: repeatElement(Double(bitPattern: Self.absent), count: index - values.count)) }
        values.append(sample.value)
    }

    /// The samples from `from` through `through` (milliseconds, both included).
    func samples(from: Int64, through: Int64) -> [Sample] {
        if let irregular {
            let low = Self.firstIndex(in: irregular) { $0.time >= from }
            let high = Self.firstIndex(in: irregular) { $0.time > through }
            return low < high ? Array(irregular[low..<high]) : []
        }
        guard !values.isEmpty, through >= start, from <= lastTime else { return [] }
        let low = from <= start ? 0 : Int((from - start + step - 1) / step)
        let high = Swift.min(values.count - 1, Int((through - start) / step))
        guard low <= high else { return [] }
        var result: [Sample] = []
        result.reserveCapacity(high - low + 1)
        for index in low...high where values[index].bitPattern != Self.absent {
            result.append(Sample(time: start + Int64(index) * step, value: values[index]))
        }
        return result
    }

    /// The first position whose sample satisfies `predicate` (false, then true along the array).
    private static func firstIndex(in samples: [Sample], where predicate: (Sample) -> Bool) -> Int {
        var low = 0, high = samples.count
        while low < high {
            let middle = (low + high) / 2
            if predicate(samples[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
