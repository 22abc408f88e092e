import PromQL

/// A token of Go's `text/template` language, with the byte offset and line where it starts
/// (positions count from the start of the whole template text, as Go's error messages do).
struct TemplateToken: Equatable {
    enum Kind: Equatable {
        case text, leftDelim, rightDelim, space
        case identifier, field, variable, dot, keyword
        case string, rawString, charConstant, number, bool, null
        case pipe, leftParen, rightParen, declare, assign, char
        case eof, error
    }

    var kind: Kind
    /// The token's text (for `.string`, still quoted; for `.error`, the message).
    var text: String
    var position: Int
    var line: Int

    /// The token as Go's parser quotes it in "unexpected …" messages.
    var quoted: String {
        switch kind {
        case .eof: return "EOF"
        case .error: return text
        case .keyword: return "<\(text)>"
        default:
            let characters = Array(text)
            return characters.count > 10 ? GoQuote.quote(String(characters.prefix(10))) + "..." : GoQuote.quote(text)
        }
    }
}

/// Splits a template into tokens as Go's `text/template/parse` lexer does: text between
/// actions, `{{-`/`-}}` trimming, `{{/* comments */}}`, and inside actions identifiers, fields,
/// variables, literals and punctuation. A lexical error ends the stream with an `.error` token.
struct TemplateLexer {
    static let keywords: Set<String> = [
        "block", "break", "continue", "define", "else", "end", "if", "range", "template", "with",
    ]

    private let bytes: [UInt8]
    private var position = 0
    private var line = 1
    private var parenDepth = 0
    private var insideAction = false
    private var finished = false

    init(_ text: String) {
        bytes = Array(text.utf8)
    }

    /// All tokens up to and including `.eof` or `.error`.
    static func tokens(_ text: String) -> [TemplateToken] {
        var lexer = TemplateLexer(text)
        var tokens: [TemplateToken] = []
        while !lexer.finished { tokens.append(contentsOf: lexer.step()) }
        return tokens
    }

    private func at(_ offset: Int) -> UInt8? { offset < bytes.count ? bytes[offset] : nil }
    private func starts(_ text: String, at offset: Int) -> Bool {
        let probe = Array(text.utf8)
        return offset + probe.count <= bytes.count && Array(bytes[offset..<offset + probe.count]) == probe
    }
    private static func isSpace(_ byte: UInt8?) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A }
    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "_") || (byte >= 0x30 && byte <= 0x39) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A) || byte >= 0x80
    }

    private func string(_ start: Int, _ end: Int) -> String { String(decoding: bytes[start..<end], as: UTF8.self) }

    /// Emits `start..<position` and counts its newlines.
    private mutating func token(_ kind: TemplateToken.Kind, from start: Int, line startLine: Int? = nil) -> TemplateToken {
        let token = TemplateToken(kind: kind, text: string(start, position), position: start, line: startLine ?? line)
        line += bytes[start..<position].filter { $0 == 0x0A }.count
        return token
    }

    private mutating func fail(_ message: String) -> [TemplateToken] {
        finished = true
        return [TemplateToken(kind: .error, text: message, position: position, line: line)]
    }

    /// Whether a right delimiter starts here, and whether it carries the ` -` trim marker.
    private func atRightDelim(_ offset: Int) -> (found: Bool, trim: Bool) {
        if Self.isSpace(at(offset)), at(offset + 1) == UInt8(ascii: "-"), starts("}}", at: offset + 2) { return (true, true) }
        return (starts("}}", at: offset), false)
    }

    private mutating func skipSpace() {
        while Self.isSpace(at(position)) {
            if bytes[position] == 0x0A { line += 1 }
            position += 1
        }
    }

    private mutating func step() -> [TemplateToken] {
        insideAction ? lexInsideAction() : lexText()
    }

    private mutating func lexText() -> [TemplateToken] {
        let start = position
        var open = start
        while open < bytes.count, !starts("{{", at: open) { open += 1 }
        guard open < bytes.count else {
            position = bytes.count
            var result: [TemplateToken] = []
            if position > start { result.append(token(.text, from: start)) }
            result.append(TemplateToken(kind: .eof, text: "", position: position, line: line))
            finished = true
            return result
        }
        let trim = at(open + 2) == UInt8(ascii: "-") && Self.isSpace(at(open + 3))
        var textEnd = open
        if trim { while textEnd > start, Self.isSpace(bytes[textEnd - 1]) { textEnd -= 1 } }
        var result: [TemplateToken] = []
        position = textEnd
        if textEnd > start { result.append(token(.text, from: start)) }
        // Count the newlines of trimmed space.
        line += bytes[textEnd..<open].filter { $0 == 0x0A }.count
        position = open
        return result + lexLeftDelim(trim: trim)
    }

    private mutating func lexLeftDelim(trim: Bool) -> [TemplateToken] {
        let start = position
        position += 2
        let afterMarker = trim ? 2 : 0
        if starts("/*", at: position + afterMarker) {
            position += afterMarker
            var close = position + 2
            while close < bytes.count, !starts("*/", at: close) { close += 1 }
            guard close < bytes.count else { return fail("unclosed comment") }
            line += bytes[position..<close].filter { $0 == 0x0A }.count
            position = close + 2
            let (found, trimAfter) = atRightDelim(position)
            guard found else { return fail("comment ends before closing delimiter") }
            position += trimAfter ? 4 : 2
            if trimAfter { skipSpace() }
            return []
        }
        let delimiter = TemplateToken(kind: .leftDelim, text: "{{", position: start, line: line)
        position += afterMarker
        insideAction = true
        parenDepth = 0
        return [delimiter]
    }

    private mutating func lexInsideAction() -> [TemplateToken] {
        let (found, trim) = atRightDelim(position)
        if found {
            guard parenDepth == 0 else { return fail("unclosed left paren") }
            let delimiter = TemplateToken(kind: .rightDelim, text: "}}", position: position + (trim ? 2 : 0), line: line)
            position += trim ? 4 : 2
            if trim { skipSpace() }
            insideAction = false
            return [delimiter]
        }
        guard let byte = at(position) else { return fail("unclosed action") }
        let start = position
        let startLine = line
        switch byte {
        case _ where Self.isSpace(byte):
            // A space that begins ` -}}` belongs to the delimiter.
            while Self.isSpace(at(position)), !atRightDelim(position).trim { position += 1 }
            return [token(.space, from: start, line: startLine)]
        case UInt8(ascii: "="):
            position += 1
            return [token(.assign, from: start)]
        case UInt8(ascii: ":"):
            guard at(position + 1) == UInt8(ascii: "=") else { position += 1; return fail("expected :=") }
            position += 2
            return [token(.declare, from: start)]
        case UInt8(ascii: "|"):
            position += 1
            return [token(.pipe, from: start)]
        case UInt8(ascii: "\""):
            return lexQuote(terminator: UInt8(ascii: "\""), kind: .string, unterminated: "unterminated quoted string")
        case UInt8(ascii: "'"):
            return lexQuote(terminator: UInt8(ascii: "'"), kind: .charConstant, unterminated: "unterminated character constant")
        case UInt8(ascii: "`"):
            position += 1
            while let next = at(position), next != UInt8(ascii: "`") { position += 1 }
            guard at(position) != nil else { return fail("unterminated raw quoted string") }
            position += 1
            return [token(.rawString, from: start)]
        case UInt8(ascii: "$"):
            return lexFieldOrVariable(kind: .variable)
        case UInt8(ascii: "."):
            if let next = at(position + 1), next >= 0x30, next <= 0x39 { return lexNumber() }
            return lexFieldOrVariable(kind: .field)
        case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return lexNumber()
        case UInt8(ascii: "("):
            position += 1
            parenDepth += 1
            return [token(.leftParen, from: start)]
        case UInt8(ascii: ")"):
            position += 1
            parenDepth -= 1
            guard parenDepth >= 0 else { return fail("unexpected right paren U+0029 ')'") }
            return [token(.rightParen, from: start)]
        case _ where Self.isAlphanumeric(byte):
            while let next = at(position), Self.isAlphanumeric(next) { position += 1 }
            let word = string(start, position)
            guard atTerminator(position) else { return fail("bad character \(Self.describe(at(position)))") }
            let kind: TemplateToken.Kind =
                Self.keywords.contains(word) ? .keyword : word == "true" || word == "false" ? .bool : word == "nil" ? .null : .identifier
            return [token(kind, from: start)]
        case 0x21...0x7E:
            position += 1
            return [token(.char, from: start)]
        default:
            return fail("unrecognized character in action: \(Self.describe(byte))")
        }
    }

    private mutating func lexQuote(terminator: UInt8, kind: TemplateToken.Kind, unterminated: String) -> [TemplateToken] {
        let start = position
        position += 1
        while true {
            guard let next = at(position), next != 0x0A else { return fail(unterminated) }
            position += 1
            if next == UInt8(ascii: "\\") {
                guard let escaped = at(position), escaped != 0x0A else { return fail(unterminated) }
                position += 1
            } else if next == terminator {
                return [token(kind, from: start)]
            }
        }
    }

    private mutating func lexFieldOrVariable(kind: TemplateToken.Kind) -> [TemplateToken] {
        let start = position
        position += 1
        if atTerminator(position) {
            return [token(kind == .variable ? .variable : .dot, from: start)]
        }
        while let next = at(position), Self.isAlphanumeric(next) { position += 1 }
        guard atTerminator(position) else { return fail("bad character \(Self.describe(at(position)))") }
        return [token(kind, from: start)]
    }

    private mutating func lexNumber() -> [TemplateToken] {
        let start = position
        if at(position) == UInt8(ascii: "+") || at(position) == UInt8(ascii: "-") { position += 1 }
        var digits = "0123456789_"
        var exponent = "eE"
        if at(position) == UInt8(ascii: "0"), let base = at(position + 1) {
            switch base | 0x20 {
            case UInt8(ascii: "x"): position += 2; digits = "0123456789abcdefABCDEF_"; exponent = "pP"
            case UInt8(ascii: "o"): position += 2; digits = "01234567_"; exponent = ""
            case UInt8(ascii: "b"): position += 2; digits = "01_"; exponent = ""
            default: break
            }
        }
        let digitSet = Set(digits.utf8)
        while let next = at(position), digitSet.contains(next) { position += 1 }
        if at(position) == UInt8(ascii: ".") {
            position += 1
            while let next = at(position), digitSet.contains(next) { position += 1 }
        }
        if !exponent.isEmpty, let next = at(position), exponent.utf8.contains(next) {
            position += 1
            if at(position) == UInt8(ascii: "+") || at(position) == UInt8(ascii: "-") { position += 1 }
            while let next = at(position), next >= 0x30, next <= 0x39 || next == UInt8(ascii: "_") { position += 1 }
        }
        if at(position) == UInt8(ascii: "i") { position += 1 }
        if let next = at(position), Self.isAlphanumeric(next) {
            position += 1
            return fail("bad number syntax: \(GoQuote.quote(string(start, position)))")
        }
        return [token(.number, from: start)]
    }

    /// Whether what follows can end an operand (space, punctuation, end of action).
    private func atTerminator(_ offset: Int) -> Bool {
        guard let byte = at(offset) else { return true }
        if Self.isSpace(byte) { return true }
        if ".,|:()".utf8.contains(byte) { return true }
        return starts("}}", at: offset)
    }

    /// A byte as Go's `%#U` shows a rune.
    private static func describe(_ byte: UInt8?) -> String {
        guard let byte else { return "U+FFFD" }
        let hex = String(byte, radix: 16, uppercase: true)
        let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        return byte >= 0x20 && byte < 0x7F ? "\(code) '\(Character(Unicode.Scalar(byte)))'" : code
    }
}
