extension Parser {
    /// `name(arguments)`, checked against Prometheus's function table.
    mutating func parseCall() throws(ParseError) -> Expr {
        let nameToken = advance()
        guard let function = Function.all[nameToken.text] else {
            throw ParseError(position: nameToken.position, message: "unknown function with name \(GoQuote.quote(nameToken.text))")
        }
        let arguments = try parseArguments()
        try Self.check(function, arguments, at: nameToken.position)
        return .call(function, arguments)
    }

    /// `(expr, expr, …)`.
    private mutating func parseArguments() throws(ParseError) -> [Expr] {
        guard current.kind == .leftParen else { throw unexpected(expected: "\"(\"") }
        advance()
        var arguments: [Expr] = []
        while current.kind != .rightParen {
            arguments.append(try parseExpression(minimumPrecedence: 1))
            if current.kind == .comma {
                let comma = advance()
                if current.kind == .rightParen {
                    throw ParseError(position: comma.position, message: "trailing commas not allowed in function call args")
                }
            } else if current.kind != .rightParen {
                throw unexpected("function call arguments", expected: "\",\" or \")\"")
            }
        }
        advance()
        return arguments
    }

    static func check(_ function: Function, _ arguments: [Expr], at position: Int) throws(ParseError) {
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
            guard argument.type == want else {
                throw ParseError(
                    position: position,
                    message: "expected type \(want.rawValue) in call to function \(name), got \(argument.type.rawValue)")
            }
        }
    }

    /// `op [by|without (labels)] ([param,] expr) [by|without (labels)]`.
    mutating func parseAggregation() throws(ParseError) -> Expr {
        let opToken = advance()
        guard let op = AggregationOperator(rawValue: opToken.text.lowercased()) else { throw unexpected(token: opToken) }
        var grouping: (labels: [String], without: Bool)?
        if let modifier = groupingModifier {
            advance()
            grouping = (try parseLabelList(context: "grouping opts"), modifier)
        }
        guard current.kind == .leftParen else { throw unexpected() }
        let open = advance()
        var arguments: [Expr] = []
        while current.kind != .rightParen {
            arguments.append(try parseExpression(minimumPrecedence: 1))
            if current.kind == .comma {
                advance()
            } else if current.kind != .rightParen {
                throw unexpected("aggregation", expected: "\",\" or \")\"")
            }
        }
        advance()
        if let modifier = groupingModifier {
            if grouping != nil { throw unexpected() }
            advance()
            grouping = (try parseLabelList(context: "grouping opts"), modifier)
        }
        guard !arguments.isEmpty else {
            throw ParseError(position: open.position, message: "no arguments for aggregate expression provided")
        }
        let wanted = op.parameterType == nil ? 1 : 2
        guard arguments.count == wanted else {
            throw ParseError(
                position: opToken.position,
                message: "wrong number of arguments for aggregate expression provided, expected \(wanted), got \(arguments.count)")
        }
        let expr = arguments[arguments.count - 1]
        guard expr.type == .vector else {
            throw ParseError(
                position: opToken.position,
                message: "expected type instant vector in aggregation expression, got \(expr.type.rawValue)")
        }
        var parameter: Expr?
        if let parameterType = op.parameterType {
            parameter = arguments[0]
            guard arguments[0].type == parameterType else {
                throw ParseError(
                    position: opToken.position,
                    message: "expected type \(parameterType.rawValue) in aggregation parameter, got \(arguments[0].type.rawValue)")
            }
        }
        return .aggregation(
            Aggregation(
                op: op, expr: expr, parameter: parameter, grouping: grouping?.labels ?? [],
                without: grouping?.without ?? false))
    }

    /// `true` for `without`, `false` for `by`, nil for anything else.
    private var groupingModifier: Bool? {
        switch current.kind {
        case .keyword(.by): return false
        case .keyword(.without): return true
        default: return nil
        }
    }

    /// Builds a binary expression after Prometheus's checks.
    static func binary(
        _ op: BinaryOperator, _ lhs: Expr, _ rhs: Expr, returnBool: Bool, matching: VectorMatching?, at position: Int
    ) throws(ParseError) -> Expr {
        func fail(_ message: String) -> ParseError { ParseError(position: position, message: message) }
        for side in [lhs, rhs] where side.type != .scalar && side.type != .vector {
            throw fail("binary expression must contain only scalar and instant vector types")
        }
        if returnBool, !op.isComparison { throw fail("bool modifier can only be used on comparison operators") }
        let bothScalar = lhs.type == .scalar && rhs.type == .scalar
        if op.isComparison, bothScalar, !returnBool { throw fail("comparisons between scalars must use BOOL modifier") }
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
                throw fail("label \(GoQuote.quote(shared)) must not occur in ON and GROUP clause at once")
            }
            matching = resolved
        }
        return .binary(BinaryExpression(op: op, lhs: lhs, rhs: rhs, returnBool: returnBool, matching: matching))
    }
}
