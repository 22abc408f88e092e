extension Lexer {
    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "F"))
    }

    /// A number (`1`, `1.5e3`, `.5`, `0x1F`), or a duration when units follow (`5m`, `1h30m`).
    /// The scan follows Prometheus's lexer step by step, so a bad literal is reported with the
    /// same text: what was read up to and including the first character that does not fit.
    mutating func lexNumberOrDuration(_ start: Int) throws(ParseError) -> Token {
        if scanNumber() { return Token(kind: .number, text: text(start), position: start) }
        if acceptRemainingDuration() { return Token(kind: .duration, text: text(start), position: start) }
        throw ParseError(position: start, message: "bad number or duration syntax: \(GoQuote.quote(text(start)))")
    }

    /// Right after `[`: a duration, or `missing unit character in duration`.
    mutating func lexDuration(_ start: Int) throws(ParseError) -> Token {
        if scanNumber() { throw ParseError(position: start, message: "missing unit character in duration") }
        if !acceptRemainingDuration() {
            throw ParseError(position: start, message: "bad duration syntax: \(GoQuote.quote(text(start)))")
        }
        return Token(kind: .duration, text: text(start), position: start)
    }

    private mutating func accept(_ characters: String) -> Bool {
        guard let byte = peek(), characters.utf8.contains(byte) else { return false }
        index += 1
        return true
    }

    private mutating func acceptRun(_ characters: String) {
        while accept(characters) {}
    }

    /// Reads a number; false when letters follow it (it may be a duration). The position is
    /// left where reading stopped, as Prometheus's lexer leaves it.
    private mutating func scanNumber() -> Bool {
        var digits = "0123456789"
        if accept("0"), accept("xX") { digits = "0123456789abcdefABCDEF" }
        acceptRun(digits)
        if accept(".") { acceptRun(digits) }
        if accept("eE") {
            _ = accept("+-")
            acceptRun("0123456789")
        }
        return !(peek().map(Self.isIdentifierByte) ?? false)
    }

    /// Reads the units of a duration after its first number; true when it ends cleanly. A
    /// letter or digit right after the duration is read too, so that the error shows it.
    private mutating func acceptRemainingDuration() -> Bool {
        guard accept("smhdwy") else { return false }
        _ = accept("s")
        while accept("0123456789") {
            acceptRun("0123456789")
            guard accept("smhdw") else { return false }
            _ = accept("s")
        }
        if let next = peek(), Self.isIdentifierByte(next) {
            index += 1
            return false
        }
        return true
    }

    /// A quoted string; `"` and `'` strings take Go's escapes, backquoted ones are raw.
    mutating func lexString(_ start: Int, quote: UInt8) throws(ParseError) -> Token {
        index += 1
        var value: [UInt8] = []
        while true {
            guard let byte = peek() else { throw ParseError(position: start, message: "unterminated quoted string") }
            index += 1
            if byte == quote { break }
            if quote != UInt8(ascii: "`"), byte == UInt8(ascii: "\n") {
                throw ParseError(position: start, message: "unterminated quoted string")
            }
            if byte == UInt8(ascii: "\\"), quote != UInt8(ascii: "`") {
                try lexEscape(into: &value, quote: quote, stringStart: start)
            } else {
                value.append(byte)
            }
        }
        return Token(kind: .string, text: String(decoding: value, as: UTF8.self), position: start)
    }

    private mutating func lexEscape(into value: inout [UInt8], quote: UInt8, stringStart: Int) throws(ParseError) {
        let escapeStart = stringStart
        guard let byte = peek() else { throw ParseError(position: escapeStart, message: "unterminated quoted string") }
        index += 1
        let simple: [UInt8: UInt8] = [
            UInt8(ascii: "a"): 7, UInt8(ascii: "b"): 8, UInt8(ascii: "f"): 12, UInt8(ascii: "n"): 10,
            UInt8(ascii: "r"): 13, UInt8(ascii: "t"): 9, UInt8(ascii: "v"): 11, UInt8(ascii: "\\"): 92,
        ]
        if let replacement = simple[byte] {
            value.append(replacement)
            return
        }
        if byte == quote {
            value.append(byte)
            return
        }
        func hex(_ count: Int) throws(ParseError) -> UInt32 {
            var result: UInt32 = 0
            for _ in 0..<count {
                guard let digit = peek(), Self.isHexDigit(digit) else {
                    throw ParseError(position: escapeStart, message: "invalid escape sequence in string")
                }
                index += 1
                result = result * 16 + UInt32(Int(String(UnicodeScalar(digit)), radix: 16) ?? 0)
            }
            return result
        }
        switch byte {
        case UInt8(ascii: "x"):
            value.append(UInt8(try hex(2)))
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let code = try hex(byte == UInt8(ascii: "u") ? 4 : 8)
            guard let scalar = Unicode.Scalar(code) else {
                throw ParseError(position: escapeStart, message: "invalid Unicode code point in escape sequence")
            }
            value += Array(String(scalar).utf8)
        case UInt8(ascii: "0")...UInt8(ascii: "7"):
            var code = UInt32(byte - UInt8(ascii: "0"))
            for _ in 0..<2 {
                guard let digit = peek(), digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "7") else {
                    throw ParseError(position: escapeStart, message: "invalid escape sequence in string")
                }
                index += 1
                code = code * 8 + UInt32(digit - UInt8(ascii: "0"))
            }
            guard code < 256 else { throw ParseError(position: escapeStart, message: "octal escape value > 255") }
            value.append(UInt8(code))
        default:
            throw ParseError(position: escapeStart, message: "unknown escape sequence \(describeEscape(byte))")
        }
    }

    /// Go's `%U %q` of the character: `U+0071 'q'`.
    private func describeEscape(_ byte: UInt8) -> String {
        let hex = String(byte, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: 4 - hex.count) + hex + " '\(Character(Unicode.Scalar(byte)))'"
    }
}
