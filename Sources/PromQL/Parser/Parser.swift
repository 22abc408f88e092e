/// Parses PromQL as Prometheus 2.x does: operator precedence climbing over the lexer's tokens,
/// with Prometheus's type checks (function and aggregation argument types, what binary and
/// unary operators accept) applied as each node is built. Errors carry the offending token's
/// position and Prometheus's wording.
public struct Parser {
    var tokens: [Token]
    var index = 0
    /// `parseExpression` calls in progress.
    private var nesting = 0

    /// An expression with the offset where it starts, which Prometheus's messages point at,
    /// and the depth of its tree.
    struct Node {
        var expr: Expr
        var start: Int
        var depth = 1
    }

    /// The deepest expression tree accepted, and the deepest nesting of sub-expressions while
    /// parsing. Parsing, printing and evaluation recurse once per level: a query of 100,000
    /// nested parentheses overflowed the thread's stack and ended the process. Prometheus's
    /// parser has no such limit (Go's stacks grow); no real query comes near it.
    public static let maxDepth = 1000

    /// The error for a tree deeper than `maxDepth`.
    static func tooDeep(at position: Int) -> ParseError {
        ParseError(position: position, message: "expression nested too deeply (more than \(maxDepth) levels)")
    }

    /// `children`'s depth plus one, checked against `maxDepth`.
    static func depth(over children: [Node], at position: Int) throws(ParseError) -> Int {
        let depth = (children.map(\.depth).max() ?? 0) + 1
        guard depth <= maxDepth else { throw tooDeep(at: position) }
        return depth
    }

    /// Parses `input` into an expression.
    public static func parse(_ input: String) throws(ParseError) -> Expr {
        var parser = Parser(tokens: try Lexer.tokens(input))
        guard parser.current.kind != .end else {
            throw ParseError(position: 0, message: "no expression found in input")
        }
        let node = try parser.parseExpression(minimumPrecedence: 1)
        guard parser.current.kind == .end else { throw parser.unexpected() }
        return node.expr
    }

    var current: Token { tokens[index] }

    var next: Token { tokens[min(index + 1, tokens.count - 1)] }

    @discardableResult
    mutating func advance() -> Token {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    /// `unexpected <token>[ in context][, expected what]`, Prometheus's message for a token
    /// the grammar has no place for.
    func unexpected(_ context: String? = nil, expected: String? = nil, token: Token? = nil) -> ParseError {
        let token = token ?? current
        var message = "unexpected \(Self.describe(token))"
        if let context { message += " in \(context)" }
        if let expected { message += ", expected \(expected)" }
        return ParseError(position: token.position, message: message)
    }

    /// A token as Prometheus names it in messages.
    static func describe(_ token: Token) -> String {
        switch token.kind {
        case .end: return "end of input"
        case .identifier: return "identifier \(GoQuote.quote(token.text))"
        case .metricIdentifier: return "metric identifier \(GoQuote.quote(token.text))"
        case .number: return "number \(GoQuote.quote(token.text))"
        case .duration: return "duration \(GoQuote.quote(token.text))"
        case .string: return "string \(GoQuote.quote(GoQuote.quote(token.text)))"
        case .keyword(let keyword):
            if keyword.isAggregator { return "<aggr:\(token.text)>" }
            switch keyword {
            case .and, .or, .unless, .atan2: return "<op:\(token.text)>"
            default: return "<\(token.text)>"
            }
        case .op: return "<op:\(token.text)>"
        default: return GoQuote.quote(token.text)
        }
    }

    // MARK: Binary operators

    /// The binary operator at the current token, if any.
    private var binaryOperator: BinaryOperator? {
        switch current.kind {
        case .op(let op):
            switch op {
            case .regexMatch, .regexNoMatch: return nil
            default: return BinaryOperator(rawValue: op.rawValue)
            }
        case .keyword(.and): return .and
        case .keyword(.or): return .or
        case .keyword(.unless): return .unless
        case .keyword(.atan2): return .atan2
        default: return nil
        }
    }

    mutating func parseExpression(minimumPrecedence: Int) throws(ParseError) -> Node {
        nesting += 1
        defer { nesting -= 1 }
        guard nesting <= Self.maxDepth else { throw Self.tooDeep(at: current.position) }
        var lhs = try parseUnary()
        while let op = binaryOperator, op.precedence >= minimumPrecedence {
            let opToken = advance()
            var returnBool = false
            if case .keyword(.bool) = current.kind {
                returnBool = true
                advance()
            }
            let matching = try parseVectorMatching()
            let rhs = try parseExpression(minimumPrecedence: op.isRightAssociative ? op.precedence : op.precedence + 1)
            lhs = Node(
                expr: try Self.binary(
                    op, lhs.expr, rhs.expr, returnBool: returnBool, matching: matching, start: lhs.start,
                    operatorPosition: opToken.position),
                start: lhs.start, depth: try Self.depth(over: [lhs, rhs], at: opToken.position))
        }
        return lhs
    }

    /// `on (…)` / `ignoring (…)` and `group_left (…)` / `group_right (…)` after an operator.
    private mutating func parseVectorMatching() throws(ParseError) -> VectorMatching? {
        let on: Bool
        switch current.kind {
        case .keyword(.on): on = true
        case .keyword(.ignoring): on = false
        case .keyword(.groupLeft), .keyword(.groupRight): throw unexpected()
        default: return nil
        }
        advance()
        let labels = try parseLabelList(context: "grouping opts")
        var matching = VectorMatching(cardinality: .oneToOne, on: on, labels: labels, include: [], explicit: true)
        switch current.kind {
        case .keyword(.groupLeft), .keyword(.groupRight):
            matching.cardinality = current.kind == .keyword(.groupLeft) ? .manyToOne : .oneToMany
            advance()
            if current.kind == .leftParen { matching.include = try parseLabelList(context: "grouping opts") }
        default:
            break
        }
        return matching
    }

    /// `(label, label, …)`; keywords are allowed as label names, as in Prometheus.
    mutating func parseLabelList(context: String) throws(ParseError) -> [String] {
        guard current.kind == .leftParen else { throw unexpected(context, expected: "\"(\"") }
        advance()
        var labels: [String] = []
        while current.kind != .rightParen {
            switch current.kind {
            case .identifier, .keyword: labels.append(advance().text)
            default: throw unexpected(context, expected: "label")
            }
            if current.kind == .comma {
                advance()
            } else if current.kind != .rightParen {
                throw unexpected(context, expected: "\",\" or \")\"")
            }
        }
        advance()
        return labels
    }

    // MARK: Unary, primary and postfix

    private mutating func parseUnary() throws(ParseError) -> Node {
        guard case .op(let op) = current.kind, op == .sub || op == .add else { return try parsePostfix() }
        let opToken = advance()
        // Unary operators bind like `*`: tighter than `+`, looser than `^` (`-2^2` is -4).
        let operandNode = try parseExpression(minimumPrecedence: BinaryOperator.pow.precedence)
        let operand = operandNode.expr
        if case .number(let value) = operand { return Node(expr: .number(op == .sub ? -value : value), start: opToken.position) }
        guard operand.type == .scalar || operand.type == .vector else {
            throw ParseError(
                position: opToken.position,
                message: "unary expression only allowed on expressions of type scalar or instant vector, got \"\(operand.type.rawValue)\"")
        }
        return Node(
            expr: .unary(op == .sub ? .minus : .plus, operand), start: opToken.position,
            depth: try Self.depth(over: [operandNode], at: opToken.position))
    }

    mutating func parsePrimaryExpression() throws(ParseError) -> Node {
        let token = current
        switch token.kind {
        case .number:
            advance()
            return Node(expr: .number(try Self.number(token)), start: token.position)
        case .string:
            advance()
            return Node(expr: .string(token.text), start: token.position)
        case .leftParen:
            advance()
            let inner = try parseExpression(minimumPrecedence: 1)
            guard current.kind == .rightParen else { throw unexpected(expected: "\")\"") }
            advance()
            return Node(expr: .paren(inner.expr), start: token.position, depth: try Self.depth(over: [inner], at: token.position))
        case .identifier where next.kind == .leftParen:
            return try parseCall()
        case .identifier, .metricIdentifier, .leftBrace:
            return Node(expr: .vector(try parseVectorSelector()), start: token.position)
        case .keyword(let keyword) where keyword.isAggregator:
            // Without `(` or a grouping after it, an aggregator's name is a metric name (`sum(sum)`).
            switch next.kind {
            case .leftParen, .keyword(.by), .keyword(.without): return try parseAggregation()
            default: return Node(expr: .vector(try parseVectorSelector()), start: token.position)
            }
        default:
            throw unexpected()
        }
    }

    static func number(_ token: Token) throws(ParseError) -> Double {
        let text = token.text
        switch text.lowercased() {
        case "inf", "+inf": return .infinity
        case "nan": return .nan
        default: break
        }
        if text.hasPrefix("0x") || text.hasPrefix("0X"), let value = UInt64(text.dropFirst(2), radix: 16) {
            return Double(value)
        }
        guard let value = Double(text) else {
            throw ParseError(position: token.position, message: "error parsing number: \(text)")
        }
        return value
    }
}
