/// A range function over a selector, computed for every step of a range query at once.
struct SteppedCall {
    let from: Int64
    let step: Int64
    let count: Int
    /// Output series in input order, each with a value per step (nil where it has none).
    let series: [(labels: Labels, values: [Double?])]

    /// Every output series with its samples on the grid: a range query's result.
    var matrix: [Series] {
        series.compactMap { one in
            var samples: [Sample] = []
            samples.reserveCapacity(one.values.count)
            for (index, value) in one.values.enumerated() {
                if let value { samples.append(Sample(time: from + Int64(index) * step, value: value)) }
            }
            return samples.isEmpty ? nil : Series(labels: one.labels, samples: samples)
        }
    }

    /// The instant vector at `time`, or nil when `time` is not on the grid.
    func vector(at time: Int64) -> [VectorElement]? {
        guard time >= from, (time - from) % step == 0 else { return nil }
        let index = Int((time - from) / step)
        guard index < count else { return nil }
        var result: [VectorElement] = []
        result.reserveCapacity(series.count)
        for one in series {
            if let value = one.values[index] { result.append(VectorElement(labels: one.labels, value: value)) }
        }
        return result
    }
}

extension Evaluator {
    /// Functions whose value at a step depends only on one series' window.
    static var seriesMajorFunctions: Set<String> {
        [
            "rate", "increase", "delta", "irate", "idelta", "changes", "resets", "deriv", "avg_over_time",
            "min_over_time", "max_over_time", "sum_over_time", "count_over_time", "stddev_over_time",
            "stdvar_over_time", "last_over_time", "present_over_time",
        ]
    }

    /// Before a range query's steps run, computes each `f(selector[range])` it contains
    /// series by series across all steps, as Prometheus does: each series' window slides
    /// forward with two indices instead of being searched, sliced and labelled at every step.
    /// Steps then read the results (`stepped`); the answers are the same as step by step.
    mutating func precomputeSeriesMajor(_ expr: Expr, from: Int64, through: Int64, step: Int64) throws(EvaluationError) {
        switch expr {
        case .paren(let inner), .unary(_, let inner):
            try precomputeSeriesMajor(inner, from: from, through: through, step: step)
        case .binary(let binary):
            try precomputeSeriesMajor(binary.lhs, from: from, through: through, step: step)
            try precomputeSeriesMajor(binary.rhs, from: from, through: through, step: step)
        case .aggregation(let aggregation):
            try precomputeSeriesMajor(aggregation.expr, from: from, through: through, step: step)
            var inner = aggregation.expr
            while case .paren(let wrapped) = inner { inner = wrapped }
            if aggregation.parameter == nil, Self.seriesMajorAggregations.contains(aggregation.op),
                let input = stepped[inner.description], stepped[expr.description] == nil
            {
                stepped[expr.description] = Self.stepAggregation(aggregation, over: input)
            }
        case .call(let function, let arguments):
            if arguments.count == 1, Self.seriesMajorFunctions.contains(function.name) {
                var argument = arguments[0]
                while case .paren(let inner) = argument { argument = inner }
                if case .matrix(let selector, let range) = argument {
                    let key = expr.description
                    if stepped[key] == nil {
                        stepped[key] = try stepCall(function.name, selector, range: range.milliseconds, from: from, through: through, step: step)
                    }
                    return
                }
            }
            for argument in arguments { try precomputeSeriesMajor(argument, from: from, through: through, step: step) }
        default:
            // Selectors need nothing; subqueries run on their own grid, step by step.
            break
        }
    }

    /// Aggregations without a parameter, whose value per group is `reduce` over the members.
    static var seriesMajorAggregations: Set<AggregationOperator> {
        [.sum, .min, .max, .avg, .count, .group, .stddev, .stdvar]
    }

    /// An aggregation over a stepped call: each input series' group is found once, then
    /// every step reduces its members' values in input order (the order the step-by-step
    /// evaluation reduces them in, so sums come out bit for bit the same).
    static func stepAggregation(_ aggregation: Aggregation, over input: SteppedCall) -> SteppedCall {
        let names = Set(aggregation.without ? aggregation.grouping + [Labels.metricName] : aggregation.grouping)
        var groupIndex: [Labels: Int] = [:]
        var groupLabels: [Labels] = []
        var groupOf: [Int] = []
        groupOf.reserveCapacity(input.series.count)
        for one in input.series {
            let key = aggregation.without ? one.labels.removing(names) : one.labels.keeping(names)
            if let index = groupIndex[key] {
                groupOf.append(index)
            } else {
                groupIndex[key] = groupLabels.count
                groupOf.append(groupLabels.count)
                groupLabels.append(key)
            }
        }
        var values = [[Double?]](repeating: [Double?](repeating: nil, count: input.count), count: groupLabels.count)
        var members = [[Double]](repeating: [], count: groupLabels.count)
        for index in 0..<input.count {
            for group in members.indices { members[group].removeAll(keepingCapacity: true) }
            for (position, one) in input.series.enumerated() {
                if let value = one.values[index] { members[groupOf[position]].append(value) }
            }
            for group in members.indices where !members[group].isEmpty {
                values[group][index] = reduce(aggregation.op, members[group], nil)
            }
        }
        return SteppedCall(
            from: input.from, step: input.step, count: input.count,
            series: zip(groupLabels, values).map { (labels: $0, values: $1) })
    }

    private mutating func stepCall(
        _ name: String, _ selector: VectorSelector, range: Int64, from: Int64, through: Int64, step: Int64
    ) throws(EvaluationError) -> SteppedCall {
        let count = Int((through - from) / step) + 1
        let firstReference = referenceTime(selector.at, offset: selector.offset, at: from)
        let lastReference = referenceTime(selector.at, offset: selector.offset, at: through)
        let input = try series(selector, from: min(firstReference, lastReference) - range, through: max(firstReference, lastReference))
        let seconds = Double(range) / 1000
        var output: [(labels: Labels, values: [Double?])] = []
        for one in input {
            try checkDeadline()
            let samples = one.samples
            // Staleness markers before each index, so a window's check is one subtraction.
            var staleBefore: [Int] = []
            if samples.contains(where: { Sample.isStaleMarker($0.value) }) {
                staleBefore.reserveCapacity(samples.count + 1)
                var stale = 0
                staleBefore.append(0)
                for sample in samples {
                    if Sample.isStaleMarker(sample.value) { stale += 1 }
                    staleBefore.append(stale)
                }
            }
            var values = [Double?](repeating: nil, count: count)
            var any = false
            var first = 0
            var last = -1
            for index in 0..<count {
                let time = from + Int64(index) * step
                let reference = referenceTime(selector.at, offset: selector.offset, at: time)
                let start = reference - range
                while last + 1 < samples.count, samples[last + 1].time <= reference { last += 1 }
                while first < samples.count, samples[first].time < start { first += 1 }
                guard first <= last else { continue }
                var window = samples[first...last]
                if !staleBefore.isEmpty, staleBefore[last + 1] > staleBefore[first] {
                    let kept = window.filter { !Sample.isStaleMarker($0.value) }
                    guard !kept.isEmpty else { continue }
                    window = kept[...]
                }
                let value = try Self.rangeValue(
                    name, window, rangeStart: start, rangeEnd: reference, rangeSeconds: seconds, at: time,
                    parameters: (.nan, .nan, .nan))
                if let value {
                    values[index] = value
                    any = true
                }
            }
            // last_over_time keeps the metric name in Prometheus 2.42; the others drop it.
            if any { output.append((name == "last_over_time" ? one.labels : one.labels.droppingMetricName, values)) }
        }
        return SteppedCall(from: from, step: step, count: count, series: output)
    }
}
