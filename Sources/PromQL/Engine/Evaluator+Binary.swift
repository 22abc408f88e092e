import Foundation

extension Evaluator {
    mutating func evaluateBinary(_ binary: BinaryExpression, at time: Int64) throws(EvaluationError) -> Value {
        let lhs = try evaluate(binary.lhs, at: time)
        let rhs = try evaluate(binary.rhs, at: time)
        switch (lhs, rhs) {
        case (.scalar(let left), .scalar(let right)):
            let (value, keep) = Self.apply(binary.op, left, right)
            return .scalar(binary.op.isComparison ? (keep ? 1 : 0) : value)
        case (.vector(let vector), .scalar(let scalar)):
            return .vector(Self.vectorScalar(binary, vector, scalar, scalarOnLeft: false))
        case (.scalar(let scalar), .vector(let vector)):
            return .vector(Self.vectorScalar(binary, vector, scalar, scalarOnLeft: true))
        case (.vector(let left), .vector(let right)):
            let matching = binary.matching
                ?? VectorMatching(cardinality: .oneToOne, on: false, labels: [], include: [], explicit: false)
            if binary.op.isSetOperator { return .vector(Self.setOperation(binary.op, left, right, matching)) }
            return .vector(try Self.vectorVector(binary, left, right, matching))
        default:
            throw EvaluationError(.execution, "binary expression on unsupported types")
        }
    }

    /// The result and, for comparisons, whether it holds (Prometheus's `vectorElemBinop`).
    static func apply(_ op: BinaryOperator, _ left: Double, _ right: Double) -> (Double, Bool) {
        switch op {
        case .add: return (left + right, true)
        case .sub: return (left - right, true)
        case .mul: return (left * right, true)
        case .div: return (left / right, true)
        case .pow: return (Foundation.pow(left, right), true)
        case .mod: return (fmod(left, right), true)
        case .atan2: return (Foundation.atan2(left, right), true)
        case .eql: return (left, left == right)
        case .neq: return (left, left != right)
        case .gtr: return (left, left > right)
        case .lss: return (left, left < right)
        case .gte: return (left, left >= right)
        case .lte: return (left, left <= right)
        case .and, .or, .unless: return (left, true)
        }
    }

    /// Arithmetic drops the metric name (except `atan2`, which Prometheus 2.42 leaves out of
    /// its list), and so does a comparison with `bool`.
    static func dropsName(_ binary: BinaryExpression) -> Bool {
        (!binary.op.isComparison && binary.op != .atan2) || binary.returnBool
    }

    private static func vectorScalar(
        _ binary: BinaryExpression, _ vector: [VectorElement], _ scalar: Double, scalarOnLeft: Bool
    ) -> [VectorElement] {
        vector.compactMap { element in
            let (left, right) = scalarOnLeft ? (scalar, element.value) : (element.value, scalar)
            var (value, keep) = apply(binary.op, left, right)
            // A comparison keeps the vector's value, whichever side it is on.
            if binary.op.isComparison, scalarOnLeft { value = element.value }
            if binary.returnBool {
                value = keep ? 1 : 0
            } else if !keep {
                return nil
            }
            return VectorElement(labels: dropsName(binary) ? element.labels.droppingMetricName : element.labels, value: value)
        }
    }

    /// The labels two sides are matched on.
    static func signature(_ labels: Labels, _ matching: VectorMatching) -> Labels {
        matching.on ? labels.keeping(matching.labels) : labels.removing(matching.labels + [Labels.metricName])
    }

    private static func setOperation(
        _ op: BinaryOperator, _ left: [VectorElement], _ right: [VectorElement], _ matching: VectorMatching
    ) -> [VectorElement] {
        let rightSignatures = Set(right.map { signature($0.labels, matching) })
        switch op {
        case .and: return left.filter { rightSignatures.contains(signature($0.labels, matching)) }
        case .unless: return left.filter { !rightSignatures.contains(signature($0.labels, matching)) }
        default:
            let leftSignatures = Set(left.map { signature($0.labels, matching) })
            return left + right.filter { !leftSignatures.contains(signature($0.labels, matching)) }
        }
    }

    private static func vectorVector(
        _ binary: BinaryExpression, _ left: [VectorElement], _ right: [VectorElement], _ matching: VectorMatching
    ) throws(EvaluationError) -> [VectorElement] {
        // The "one" side is the right, unless group_right makes it the left.
        let oneToMany = matching.cardinality == .oneToMany
        let (many, one) = oneToMany ? (right, left) : (left, right)
        var oneSide: [Labels: VectorElement] = [:]
        for element in one {
            let signature = signature(element.labels, matching)
            if let duplicate = oneSide[signature] {
                throw EvaluationError(
                    .execution,
                    "found duplicate series for the match group \(signature) on the \(oneToMany ? "left" : "right") hand-side "
                        + "of the operation: [\(element.labels), \(duplicate.labels)];many-to-many matching not allowed: "
                        + "matching labels must be unique on one side")
            }
            oneSide[signature] = element
        }
        var matched: [Labels: Set<Labels>] = [:]
        var result: [VectorElement] = []
        for element in many {
            let signature = signature(element.labels, matching)
            guard let partner = oneSide[signature] else { continue }
            let (left, right) = oneToMany ? (partner.value, element.value) : (element.value, partner.value)
            var (value, keep) = apply(binary.op, left, right)
            if binary.returnBool {
                value = keep ? 1 : 0
            } else if !keep {
                continue
            }
            let labels = resultLabels(element.labels, partner.labels, binary, matching)
            if matching.cardinality == .oneToOne {
                if matched[signature] != nil {
                    throw EvaluationError(
                        .execution, "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)")
                }
                matched[signature] = []
            } else {
                if matched[signature, default: []].contains(labels) {
                    throw EvaluationError(.execution, "multiple matches for labels: grouping labels must ensure unique matches")
                }
                matched[signature, default: []].insert(labels)
            }
            result.append(VectorElement(labels: labels, value: value))
        }
        return result
    }

    private static func resultLabels(
        _ many: Labels, _ one: Labels, _ binary: BinaryExpression, _ matching: VectorMatching
    ) -> Labels {
        var labels = dropsName(binary) ? many.droppingMetricName : many
        if matching.cardinality == .oneToOne {
            labels = matching.on ? labels.keeping(matching.labels) : labels.removing(matching.labels)
        }
        for name in matching.include { labels = labels.setting(name, one[name]) }
        return labels
    }
}
