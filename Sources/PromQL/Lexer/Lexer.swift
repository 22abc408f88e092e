/// Splits a PromQL expression into tokens, as Prometheus 2.x's lexer does: comments (`#` to the
/// end of the line) and white space are skipped; numbers include hex, exponents, `Inf` and
/// `NaN`; a number followed by a unit is a duration (`5m`, `1h30m`, `500ms`); strings use `"`,
/// `'` (with Go escapes) or backquotes (raw).
public struct Lexer {
    let bytes: [UInt8]
    var index = 0
    /// Brackets and braces open at the current point, which change what `:` and `=` mean.
    private var braceDepth = 0
    private var bracketDepth = 0
    private var parenDepth = 0
    /// Right after `[` a duration must follow (Prometheus's `lexDuration`).
    private var expectDuration = false

    /// Creates a lexer over `input`.
    public init(_ input: String) {
        bytes = Array(input.utf8)
    }

    /// Every token up to and including `.end`.
    public static func tokens(_ input: String) throws(ParseError) -> [Token] {
        var lexer = Lexer(input)
        var tokens: [Token] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    func peek(_ offset: Int = 0) -> UInt8? {
        index + offset < bytes.count ? bytes[index + offset] : nil
    }

    func text(_ start: Int) -> String {
        String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// The next token.
    public mutating func next() throws(ParseError) -> Token {
        skipSpaceAndComments()
        let start = index
        guard let byte = peek() else {
            if braceDepth > 0 { throw ParseError(position: index, message: "unexpected end of input inside braces") }
            if parenDepth > 0 { throw ParseError(position: index, message: "unclosed left parenthesis") }
            if bracketDepth > 0 { throw ParseError(position: index, message: "unclosed left bracket") }
            return Token(kind: .end, text: "", position: index)
        }
        if braceDepth > 0 { return try nextInsideBraces(start, byte) }
        if expectDuration {
            expectDuration = false
            return try lexDuration(start)
        }
        func single(_ kind: Token.Kind) -> Token {
            index += 1
            return Token(kind: kind, text: text(start), position: start)
        }
        switch byte {
        case UInt8(ascii: "("):
            parenDepth += 1
            return single(.leftParen)
        case UInt8(ascii: ")"):
            guard parenDepth > 0 else { throw ParseError(position: start + 1, message: "unexpected right parenthesis ')'") }
            parenDepth -= 1
            return single(.rightParen)
        case UInt8(ascii: "{"):
            braceDepth += 1
            return single(.leftBrace)
        case UInt8(ascii: "}"):
            throw ParseError(position: start, message: "unexpected character: '}'")
        case UInt8(ascii: "["):
            bracketDepth += 1
            expectDuration = true
            return single(.leftBracket)
        case UInt8(ascii: "]"):
            guard bracketDepth > 0 else { throw ParseError(position: start, message: "unexpected right bracket ']'") }
            bracketDepth -= 1
            return single(.rightBracket)
        case UInt8(ascii: ","): return single(.comma)
        case UInt8(ascii: "@"): return single(.at)
        case UInt8(ascii: ":"):
            // Outside brackets a colon starts a metric name (`:foo`); inside, it splits a subquery.
            if bracketDepth > 0 { return single(.colon) }
            return lexIdentifier(start)
        case UInt8(ascii: "+"): return single(.op(.add))
        case UInt8(ascii: "-"): return single(.op(.sub))
        case UInt8(ascii: "*"): return single(.op(.mul))
        case UInt8(ascii: "/"): return single(.op(.div))
        case UInt8(ascii: "%"): return single(.op(.mod))
        case UInt8(ascii: "^"): return single(.op(.pow))
        case UInt8(ascii: "="):
            if peek(1) == UInt8(ascii: "=") { return double(start, .op(.eql)) }
            // Regular expression matchers belong inside braces only.
            if peek(1) == UInt8(ascii: "~") {
                throw ParseError(position: start, message: "unexpected character after '=': '~'")
            }
            return single(.assign)
        case UInt8(ascii: "!"):
            if peek(1) == UInt8(ascii: "=") { return double(start, .op(.neq)) }
            throw ParseError(position: start, message: "unexpected character after '!': \(describe(peek(1)))")
        case UInt8(ascii: "<"):
            return peek(1) == UInt8(ascii: "=") ? double(start, .op(.lte)) : single(.op(.lss))
        case UInt8(ascii: ">"):
            return peek(1) == UInt8(ascii: "=") ? double(start, .op(.gte)) : single(.op(.gtr))
        case UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "`"):
            return try lexString(start, quote: byte)
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try lexNumberOrDuration(start)
        case UInt8(ascii: ".") where peek(1).map(Self.isDigit) ?? false:
            return try lexNumberOrDuration(start)
        default:
            if Self.isIdentifierStart(byte) { return lexIdentifier(start) }
            throw ParseError(position: start, message: "unexpected character: \(describe(byte))")
        }
    }

    /// Inside `{…}` only label names, strings, matcher operators, commas and `}` may appear.
    private mutating func nextInsideBraces(_ start: Int, _ byte: UInt8) throws(ParseError) -> Token {
        switch byte {
        case UInt8(ascii: "}"):
            braceDepth -= 1
            index += 1
            return Token(kind: .rightBrace, text: "}", position: start)
        case UInt8(ascii: ","):
            index += 1
            return Token(kind: .comma, text: ",", position: start)
        case UInt8(ascii: "="):
            if peek(1) == UInt8(ascii: "~") { return double(start, .op(.regexMatch)) }
            index += 1
            return Token(kind: .assign, text: "=", position: start)
        case UInt8(ascii: "!"):
            if peek(1) == UInt8(ascii: "=") { return double(start, .op(.neq)) }
            if peek(1) == UInt8(ascii: "~") { return double(start, .op(.regexNoMatch)) }
            throw ParseError(position: start, message: "unexpected character inside braces: '!'")
        case UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "`"):
            return try lexString(start, quote: byte)
        default:
            guard Self.isIdentifierStart(byte) else {
                throw ParseError(position: start, message: "unexpected character inside braces: \(describe(byte))")
            }
            while let next = peek(), Self.isIdentifierByte(next) { index += 1 }
            return Token(kind: .identifier, text: text(start), position: start)
        }
    }

    private mutating func double(_ start: Int, _ kind: Token.Kind) -> Token {
        index += 2
        return Token(kind: kind, text: text(start), position: start)
    }

    private func describe(_ byte: UInt8?) -> String {
        guard let byte else { return "end of input" }
        let scalar = Character(Unicode.Scalar(byte))
        return "'\(scalar)'"
    }

    private mutating func skipSpaceAndComments() {
        while let byte = peek() {
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
                || byte == UInt8(ascii: "\r")
            {
                index += 1
            } else if byte == UInt8(ascii: "#") {
                while let next = peek(), next != UInt8(ascii: "\n") { index += 1 }
            } else {
                return
            }
        }
    }

    static func isIdentifierStart(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || byte == UInt8(ascii: "_")
    }

    static func isIdentifierByte(_ byte: UInt8) -> Bool {
        isIdentifierStart(byte) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }

    private mutating func lexIdentifier(_ start: Int) -> Token {
        var hasColon = false
        while let byte = peek(), Self.isIdentifierByte(byte) || byte == UInt8(ascii: ":") {
            // Inside brackets `:` separates a subquery's range from its step.
            if byte == UInt8(ascii: ":") {
                if bracketDepth > 0 { break }
                hasColon = true
            }
            index += 1
        }
        let word = text(start)
        if hasColon { return Token(kind: .metricIdentifier, text: word, position: start) }
        if let keyword = Keyword(rawValue: word.lowercased()) {
            return Token(kind: .keyword(keyword), text: word, position: start)
        }
        let lower = word.lowercased()
        if lower == "inf" || lower == "nan" {
            return Token(kind: .number, text: word, position: start)
        }
        return Token(kind: .identifier, text: word, position: start)
    }
}
