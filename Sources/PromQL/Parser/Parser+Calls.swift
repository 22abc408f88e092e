extension Parser {
    /// `name(arguments)`, checked against Prometheus's function table.
    mutating func parseCall() throws(ParseError) -> Node {
        let nameToken = advance()
        guard let function = Function.all[nameToken.text] else {
            throw ParseError(position: nameToken.position, message: "unknown function with name \(GoQuote.quote(nameToken.text))")
        }
        let arguments = try parseArguments(context: "function call arguments")
        try Self.check(function, arguments, at: nameToken.position)
        return Node(
            expr: .call(function, arguments.map(\.expr)), start: nameToken.position,
            depth: try Self.depth(over: arguments, at: nameToken.position))
    }

    /// `(expr, expr, …)`, for function calls and aggregations alike.
    private mutating func parseArguments(context: String) throws(ParseError) -> [Node] {
        guard current.kind == .leftParen else { throw unexpected(expected: "\"(\"") }
        advance()
        var arguments: [Node] = []
        while current.kind != .rightParen {
            arguments.append(try parseExpression(minimumPrecedence: 1))
            if current.kind == .comma {
                let comma = advance()
                if current.kind == .rightParen {
                    throw ParseError(position: comma.position, message: "trailing commas not allowed in function call args")
                }
            } else if current.kind != .rightParen {
                throw unexpected(context, expected: "\",\" or \")\"")
            }
        }
        advance()
        return arguments
    }

    static func check(_ function: Function, _ arguments: [Node], at position: Int) throws(ParseError) {
        let expected = function.argumentTypes.count
        let name = GoQuote.quote(function.name)
        switch function.variadic {
        case 0:
            guard arguments.count == expected else {
                throw ParseError(
                    position: position, message: "expected \(expected) argument(s) in call to \(name), got \(arguments.count)")
            }
        case -1:
            guard arguments.count >= expected - 1 else {
                throw ParseError(
                    position: position,
                    message: "expected at least \(expected - 1) argument(s) in call to \(name), got \(arguments.count)")
            }
        default:
            let minimum = expected - function.variadic
            if arguments.count < minimum {
                throw ParseError(
                    position: position,
                    message: "expected at least \(minimum) argument(s) in call to \(name), got \(arguments.count)")
            }
            if arguments.count > expected {
                throw ParseError(
                    position: position, message: "expected at most \(expected) argument(s) in call to \(name), got \(arguments.count)")
            }
        }
        for (index, argument) in arguments.enumerated() {
            let want = index < expected ? function.argumentTypes[index] : function.argumentTypes[expected - 1]
            guard argument.expr.type == want else {
                throw ParseError(
                    position: argument.start,
                    message: "expected type \(want.rawValue) in call to function \(name), got \(argument.expr.type.rawValue)")
            }
        }
    }

    /// `op [by|without (labels)] ([param,] expr) [by|without (labels)]`.
    mutating func parseAggregation() throws(ParseError) -> Node {
        let opToken = advance()
        guard let op = AggregationOperator(rawValue: opToken.text.lowercased()) else { throw unexpected(token: opToken) }
        var grouping: (labels: [String], without: Bool)?
        if let modifier = groupingModifier {
            advance()
            grouping = (try parseLabelList(context: "grouping opts"), modifier)
        }
        guard current.kind == .leftParen else { throw unexpected() }
        let arguments = try parseArguments(context: "aggregation")
        if let modifier = groupingModifier {
            if grouping != nil { throw unexpected() }
            advance()
            grouping = (try parseLabelList(context: "grouping opts"), modifier)
        }
        guard !arguments.isEmpty else {
            throw ParseError(position: opToken.position, message: "no arguments for aggregate expression provided")
        }
        let wanted = op.parameterType == nil ? 1 : 2
        guard arguments.count == wanted else {
            throw ParseError(
                position: opToken.position,
                message: "wrong number of arguments for aggregate expression provided, expected \(wanted), got \(arguments.count)")
        }
        let expr = arguments[arguments.count - 1]
        guard expr.expr.type == .vector else {
            throw ParseError(
                position: expr.start,
                message: "expected type instant vector in aggregation expression, got \(expr.expr.type.rawValue)")
        }
        var parameter: Expr?
        if let parameterType = op.parameterType {
            parameter = arguments[0].expr
            guard arguments[0].expr.type == parameterType else {
                throw ParseError(
                    position: arguments[0].start,
                    message: "expected type \(parameterType.rawValue) in aggregation parameter, got \(arguments[0].expr.type.rawValue)")
            }
        }
        let aggregation = Aggregation(
            op: op, expr: expr.expr, parameter: parameter, grouping: grouping?.labels ?? [],
            without: grouping?.without ?? false)
        return Node(
            expr: .aggregation(aggregation), start: opToken.position, depth: try Self.depth(over: arguments, at: opToken.position))
    }

    /// `true` for `without`, `false` for `by`, nil for anything else.
    private var groupingModifier: Bool? {
        switch current.kind {
        case .keyword(.by): return false
        case .keyword(.without): return true
        default: return nil
        }
    }

    /// Builds a binary expression after Prometheus's checks; errors about the operator point
    /// at it, errors about the operands at the expression's start.
    static func binary(
        _ op: BinaryOperator, _ lhs: Expr, _ rhs: Expr, returnBool: Bool, matching: VectorMatching?, start: Int,
        operatorPosition: Int
    ) throws(ParseError) -> Expr {
        func fail(_ message: String) -> ParseError { ParseError(position: start, message: message) }
        func failAtOperator(_ message: String) -> ParseError { ParseError(position: operatorPosition, message: message) }
        if returnBool, !op.isComparison { throw failAtOperator("bool modifier can only be used on comparison operators") }
        for side in [lhs, rhs] where side.type != .scalar && side.type != .vector {
            throw fail("binary expression must contain only scalar and instant vector types")
        }
        let bothScalar = lhs.type == .scalar && rhs.type == .scalar
        if op.isComparison, bothScalar, !returnBool {
            throw failAtOperator("comparisons between scalars must use BOOL modifier")
        }
        if op.isSetOperator, lhs.type == .scalar || rhs.type == .scalar {
            throw fail("set operator \(GoQuote.quote(op.rawValue)) not allowed in binary scalar expression")
        }
        var matching = matching
        if matching != nil, lhs.type != .vector || rhs.type != .vector {
            throw fail("vector matching only allowed between instant vectors")
        }
        if lhs.type == .vector, rhs.type == .vector {
            var resolved = matching ?? VectorMatching(cardinality: .oneToOne, on: false, labels: [], include: [], explicit: false)
            if op.isSetOperator {
                if resolved.cardinality == .manyToOne || resolved.cardinality == .oneToMany {
                    throw fail("no grouping allowed for \(GoQuote.quote(op.rawValue)) operation")
                }
                resolved.cardinality = .manyToMany
            }
            if resolved.on, let shared = resolved.labels.first(where: resolved.include.contains) {
                throw failAtOperator("label \(GoQuote.quote(shared)) must not occur in ON and GROUP clause at once")
            }
            matching = resolved
        }
        return .binary(BinaryExpression(op: op, lhs: lhs, rhs: rhs, returnBool: returnBool, matching: matching))
    }
}
