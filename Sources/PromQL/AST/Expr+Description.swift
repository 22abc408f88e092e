extension Expr: CustomStringConvertible {
    /// The canonical form Prometheus 2.42 prints for the expression (`format_query`).
    public var description: String {
        switch self {
        case .number(let value): return GoQuote.formatFloat(value)
        case .string(let value): return GoQuote.quote(value)
        case .vector(let selector): return selector.description
        case .matrix(let selector, let range):
            var bare = selector
            bare.offset = PromDuration(milliseconds: 0)
            bare.at = nil
            return "\(bare)[\(range)]" + Self.suffix(at: selector.at, offset: selector.offset)
        case .subquery(let subquery):
            return "\(subquery.expr)[\(subquery.range):\(subquery.step.map(\.description) ?? "")]"
                + Self.suffix(at: subquery.at, offset: subquery.offset)
        case .call(let function, let arguments):
            return "\(function.name)(" + arguments.map(\.description).joined(separator: ", ") + ")"
        case .aggregation(let aggregation):
            var text = aggregation.op.rawValue
            if aggregation.without {
                text += " without (\(aggregation.grouping.joined(separator: ", "))) "
            } else if !aggregation.grouping.isEmpty {
                text += " by (\(aggregation.grouping.joined(separator: ", "))) "
            }
            text += "("
            if let parameter = aggregation.parameter { text += "\(parameter), " }
            return text + "\(aggregation.expr))"
        case .binary(let binary):
            return "\(binary.lhs) \(binary.op.rawValue)\(binary.returnBool ? " bool" : "")"
                + Self.matchingText(binary.matching) + " \(binary.rhs)"
        case .unary(let op, let operand): return "\(op.rawValue)\(operand)"
        case .paren(let inner): return "(\(inner))"
        }
    }

    /// ` @ t offset d` as Prometheus prints modifiers (the `@` first).
    static func suffix(at: AtModifier?, offset: PromDuration) -> String {
        var text = ""
        switch at {
        case .timestamp(let milliseconds): text += " @ " + threeDecimals(Double(milliseconds) / 1000)
        case .start: text += " @ start()"
        case .end: text += " @ end()"
        case nil: break
        }
        if offset.milliseconds != 0 { text += " offset \(offset)" }
        return text
    }

    /// `%.3f`.
    static func threeDecimals(_ value: Double) -> String {
        let thousandths = Int64((value * 1000).rounded())
        let sign = thousandths < 0 ? "-" : ""
        let magnitude = thousandths.magnitude
        let fraction = String(magnitude % 1000)
        return "\(sign)\(magnitude / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    /// Prometheus prints matching only when labels are given or `on` is used.
    private static func matchingText(_ matching: VectorMatching?) -> String {
        guard let matching, !matching.labels.isEmpty || matching.on else { return "" }
        var text = " \(matching.on ? "on" : "ignoring") (\(matching.labels.joined(separator: ", ")))"
        switch matching.cardinality {
        case .manyToOne: text += " group_left (\(matching.include.joined(separator: ", ")))"
        case .oneToMany: text += " group_right (\(matching.include.joined(separator: ", ")))"
        default: break
        }
        return text
    }
}

extension VectorSelector: CustomStringConvertible {
    /// `name{a="b",c=~"d"} @ t offset d`, matchers sorted as text, the name's own matcher
    /// left out.
    public var description: String {
        let shown = matchers.filter { !($0.name == "__name__" && $0.kind == .equal && $0.value == name) }
            .map { "\($0.name)\($0.kind.rawValue)\(GoQuote.quote($0.value))" }.sorted()
        let body = shown.isEmpty ? (name ?? "") : "\(name ?? ""){\(shown.joined(separator: ","))}"
        return body + Expr.suffix(at: at, offset: offset)
    }
}
