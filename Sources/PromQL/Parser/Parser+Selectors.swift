extension Parser {
    /// `name`, `name{matchers}` or `{matchers}`.
    mutating func parseVectorSelector() throws(ParseError) -> VectorSelector {
        let start = current
        var name: String?
        var matchers: [LabelMatcher] = []
        if start.kind == .identifier || start.kind == .metricIdentifier || start.kind.isKeyword {
            name = advance().text
            matchers.append(LabelMatcher(name: "__name__", kind: .equal, value: start.text))
        }
        if current.kind == .leftBrace {
            advance()
            matchers += try parseMatchers()
        }
        let named = matchers.filter { $0.name == "__name__" }
        if let name, named.count > 1, let other = named.dropFirst().first {
            throw ParseError(
                position: start.position,
                message: "metric name must not be set twice: \(GoQuote.quote(name)) or \(GoQuote.quote(other.value))")
        }
        guard matchers.contains(where: { !$0.matchesEmpty }) else {
            throw ParseError(position: start.position, message: "vector selector must contain at least one non-empty matcher")
        }
        return VectorSelector(name: name, matchers: matchers)
    }

    /// Matchers up to and including `}`.
    private mutating func parseMatchers() throws(ParseError) -> [LabelMatcher] {
        var matchers: [LabelMatcher] = []
        while current.kind != .rightBrace {
            guard current.kind == .identifier else {
                throw unexpected("label matching", expected: "identifier or \"}\"")
            }
            let nameToken = advance()
            let name = nameToken.text
            let kind: LabelMatcher.Kind
            switch current.kind {
            case .assign: kind = .equal
            case .op(.neq): kind = .notEqual
            case .op(.regexMatch): kind = .regexMatch
            case .op(.regexNoMatch): kind = .regexNoMatch
            default: throw unexpected("label matching", expected: "label matching operator")
            }
            advance()
            guard current.kind == .string else { throw unexpected("label matching", expected: "string") }
            let valueToken = advance()
            if kind == .regexMatch || kind == .regexNoMatch, let problem = RegexCheck.problem(valueToken.text) {
                throw ParseError(position: nameToken.position, message: "error parsing regexp: \(problem)")
            }
            matchers.append(LabelMatcher(name: name, kind: kind, value: valueToken.text))
            if current.kind == .comma {
                advance()
            } else if current.kind != .rightBrace {
                throw unexpected("label matching", expected: "\",\" or \"}\"")
            }
        }
        advance()
        return matchers
    }
}
