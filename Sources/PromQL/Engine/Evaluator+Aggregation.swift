import Foundation

extension Evaluator {
    mutating func evaluateAggregation(_ aggregation: Aggregation, at time: Int64) throws(EvaluationError) -> [VectorElement] {
        guard case .vector(let input) = try evaluate(aggregation.expr, at: time) else { return [] }
        var parameter: Double?
        var label: String?
        if let expr = aggregation.parameter {
            switch try evaluate(expr, at: time) {
            case .scalar(let value): parameter = value
            case .string(let value): label = value
            default: break
            }
        }
        // Groups in order of first appearance, as Prometheus orders its output.
        var groupIndex: [Labels: Int] = [:]
        var groups: [(labels: Labels, members: [VectorElement])] = []
        let names = Set(aggregation.without ? aggregation.grouping + [Labels.metricName] : aggregation.grouping)
        for element in input {
            let key = aggregation.without ? element.labels.removing(names) : element.labels.keeping(names)
            if let index = groupIndex[key] {
                groups[index].members.append(element)
            } else {
                groupIndex[key] = groups.count
                groups.append((key, [element]))
            }
        }
        switch aggregation.op {
        case .topk, .bottomk:
            let k = Int(min(Double(input.count), max(0, (parameter ?? 0).rounded(.towardZero))))
            guard k > 0 else { return [] }
            return groups.flatMap { group in Self.selectK(group.members, k, top: aggregation.op == .topk) }
        case .countValues:
            guard let label, Self.isValidLabelName(label) else {
                throw EvaluationError(.execution, "invalid label name \(GoQuote.quote(label ?? ""))")
            }
            var counts: [Labels: Double] = [:]
            var order: [Labels] = []
            for group in groups {
                for member in group.members {
                    let key = group.labels.setting(label, GoQuote.formatFloat(member.value, fixed: true))
                    if counts[key] == nil { order.append(key) }
                    counts[key, default: 0] += 1
                }
            }
            return order.map { VectorElement(labels: $0, value: counts[$0] ?? 0) }
        default:
            return groups.map { group in
                VectorElement(labels: group.labels, value: Self.reduce(aggregation.op, group.members.map(\.value), parameter))
            }
        }
    }

    static func isValidLabelName(_ name: String) -> Bool {
        guard let first = name.utf8.first, Lexer.isIdentifierStart(first) else { return false }
        return name.utf8.allSatisfy(Lexer.isIdentifierByte)
    }

    private static func selectK(_ members: [VectorElement], _ k: Int, top: Bool) -> [VectorElement] {
        // NaN sorts last for both topk and bottomk, as in Prometheus.
        let sorted = members.sorted { left, right in
            if left.value.isNaN { return false }
            if right.value.isNaN { return true }
            return top ? left.value > right.value : left.value < right.value
        }
        return Array(sorted.prefix(k))
    }

    static func reduce(_ op: AggregationOperator, _ values: [Double], _ parameter: Double?) -> Double {
        switch op {
        case .sum: return values.reduce(0, +)
        case .min: return values.reduce(Double.nan) { $0.isNaN || $1 < $0 ? $1 : $0 }
        case .max: return values.reduce(Double.nan) { $0.isNaN || $1 > $0 ? $1 : $0 }
        case .count: return Double(values.count)
        case .group: return 1
        case .avg:
            var mean = 0.0
            for (index, value) in values.enumerated() {
                if mean.isInfinite, value.isInfinite, mean.sign == value.sign { continue }
                mean += value / Double(index + 1) - mean / Double(index + 1)
            }
            return mean
        case .stddev: return variance(values).squareRoot()
        case .stdvar: return variance(values)
        case .quantile: return quantile(parameter ?? .nan, values)
        case .topk, .bottomk, .countValues: return .nan
        }
    }

    /// Population variance, computed as Prometheus does (running mean and sum of squares).
    static func variance(_ values: [Double]) -> Double {
        var count = 0.0, mean = 0.0, squares = 0.0
        for value in values {
            count += 1
            let delta = value - mean
            mean += delta / count
            squares += delta * (value - mean)
        }
        return count > 0 ? squares / count : .nan
    }

    /// The φ-quantile with linear interpolation between ranks (Prometheus's `quantile`).
    static func quantile(_ q: Double, _ values: [Double]) -> Double {
        guard !values.isEmpty, !q.isNaN else { return .nan }
        if q < 0 { return -.infinity }
        if q > 1 { return .infinity }
        let sorted = values.sorted()
        let rank = q * Double(sorted.count - 1)
        let lower = max(0, Int(rank.rounded(.down)))
        let upper = min(sorted.count - 1, lower + 1)
        let weight = rank - rank.rounded(.down)
        return sorted[lower] * (1 - weight) + sorted[upper] * weight
    }
}
