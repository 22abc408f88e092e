extension Parser {
    /// A primary expression followed by ranges, subqueries, `offset` and `@`, in any order
    /// Prometheus allows: `foo[5m] offset 1m @ 100`, `(a + b)[10m:1m]`, `foo @ end() offset -5m`.
    mutating func parsePostfix() throws(ParseError) -> Node {
        var node = try parsePrimaryExpression()
        while true {
            switch current.kind {
            case .leftBracket:
                node.expr = try parseRangeOrSubquery(node.expr)
            case .keyword(.offset):
                advance()
                var negative = false
                if current.kind == .op(.sub) {
                    negative = true
                    advance()
                }
                let duration = try parseDuration(context: "offset", allowZero: true)
                let offset = PromDuration(milliseconds: negative ? -duration.milliseconds : duration.milliseconds)
                node.expr = try Self.settingOffset(offset, on: node.expr, at: node.start)
            case .at:
                advance()
                node.expr = try Self.settingAt(try parseAtModifier(), on: node.expr, at: node.start)
            default:
                return node
            }
        }
    }

    private mutating func parseRangeOrSubquery(_ expr: Expr) throws(ParseError) -> Expr {
        let bracket = advance()
        let range = try parseDuration(context: "subquery selector", allowZero: false)
        if current.kind == .colon {
            advance()
            var step: PromDuration?
            if current.kind != .rightBracket {
                step = try parseDuration(context: "subquery selector", allowZero: false)
            }
            guard current.kind == .rightBracket else { throw unexpected("subquery selector", expected: "\"]\"") }
            advance()
            guard expr.type == .vector else {
                let text = expr.description + "[\(range):\(step.map(\.description) ?? "")]"
                throw ParseError(
                    position: bracket.position,
                    message: "subquery is only allowed on instant vector, got \(expr.type.rawValue) in \(GoQuote.quote(text)) instead")
            }
            return .subquery(Subquery(expr: expr, range: range, step: step, offset: PromDuration(milliseconds: 0), at: nil))
        }
        guard current.kind == .rightBracket else { throw unexpected("subquery selector", expected: "\":\" or \"]\"") }
        advance()
        guard case .vector(let selector) = expr else {
            throw ParseError(position: bracket.position, message: "ranges only allowed for vector selectors")
        }
        if selector.offset.milliseconds != 0 {
            throw ParseError(position: bracket.position, message: "no offset modifiers allowed before range")
        }
        if selector.at != nil {
            throw ParseError(position: bracket.position, message: "no @ modifiers allowed before range")
        }
        return .matrix(selector, range: range)
    }

    /// A duration token (`5m`, `1h30m`), checked as Prometheus checks them.
    mutating func parseDuration(context: String, allowZero: Bool) throws(ParseError) -> PromDuration {
        let token = current
        guard token.kind == .duration else { throw unexpected(context, expected: "duration") }
        advance()
        guard let duration = PromDuration(token.text) else {
            throw ParseError(position: token.position, message: "not a valid duration string: \(GoQuote.quote(token.text))")
        }
        if !allowZero, duration.milliseconds == 0 {
            throw ParseError(position: token.position, message: "duration must be greater than 0")
        }
        return duration
    }

    private mutating func parseAtModifier() throws(ParseError) -> AtModifier {
        let token = current
        switch token.kind {
        case .identifier where token.text == "start" || token.text == "end":
            advance()
            guard current.kind == .leftParen else { throw unexpected("@", expected: "timestamp") }
            advance()
            guard current.kind == .rightParen else { throw unexpected("@", expected: "timestamp") }
            advance()
            return token.text == "start" ? .start : .end
        case .number, .op(.sub), .op(.add):
            var sign = 1.0
            if case .op(let op) = token.kind {
                sign = op == .sub ? -1 : 1
                advance()
            }
            guard current.kind == .number else { throw unexpected("@", expected: "timestamp") }
            let value = sign * (try Self.number(advance()))
            guard value.isFinite, abs(value) < 9.2e15 else {
                throw ParseError(position: token.position, message: "timestamp out of bounds for @ modifier: \(value)")
            }
            return .timestamp(Int64((value * 1000).rounded()))
        default:
            throw unexpected("@", expected: "timestamp")
        }
    }

    static func settingOffset(_ offset: PromDuration, on expr: Expr, at position: Int) throws(ParseError) -> Expr {
        let twice = ParseError(position: position, message: "offset may not be set multiple times")
        switch expr {
        case .vector(var selector):
            guard selector.offset.milliseconds == 0 else { throw twice }
            selector.offset = offset
            return .vector(selector)
        case .matrix(var selector, let range):
            guard selector.offset.milliseconds == 0 else { throw twice }
            selector.offset = offset
            return .matrix(selector, range: range)
        case .subquery(var subquery):
            guard subquery.offset.milliseconds == 0 else { throw twice }
            subquery.offset = offset
            return .subquery(subquery)
        default:
            throw ParseError(
                position: position,
                message: "offset modifier must be preceded by an instant vector selector or range vector selector or a subquery")
        }
    }

    static func settingAt(_ at: AtModifier, on expr: Expr, at position: Int) throws(ParseError) -> Expr {
        let twice = ParseError(position: position, message: "@ <timestamp> may not be set multiple times")
        switch expr {
        case .vector(var selector):
            guard selector.at == nil else { throw twice }
            selector.at = at
            return .vector(selector)
        case .matrix(var selector, let range):
            guard selector.at == nil else { throw twice }
            selector.at = at
            return .matrix(selector, range: range)
        case .subquery(var subquery):
            guard subquery.at == nil else { throw twice }
            subquery.at = at
            return .subquery(subquery)
        default:
            throw ParseError(
                position: position,
                message: "@ modifier must be preceded by an instant vector selector or range vector selector or a subquery")
        }
    }
}
