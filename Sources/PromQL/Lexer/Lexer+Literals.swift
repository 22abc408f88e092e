extension Lexer {
    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "F"))
    }

    /// A number (`1`, `1.5e3`, `.5`, `0x1F`), or a duration when units follow (`5m`, `1h30m`).
    mutating func lexNumberOrDuration(_ start: Int) throws(ParseError) -> Token {
        if scanNumber(), peek().map({ !Self.isIdentifierByte($0) }) ?? true {
            return Token(kind: .number, text: text(start), position: start)
        }
        index = start
        if scanDuration(), peek().map({ !Self.isIdentifierByte($0) }) ?? true {
            return Token(kind: .duration, text: text(start), position: start)
        }
        while let byte = peek(), Self.isIdentifierByte(byte) || byte == UInt8(ascii: ".") { index += 1 }
        throw ParseError(position: start, message: "bad number or duration syntax: \"\(text(start))\"")
    }

    private mutating func scanNumber() -> Bool {
        if peek() == UInt8(ascii: "0"), peek(1) == UInt8(ascii: "x") || peek(1) == UInt8(ascii: "X") {
            index += 2
            let digits = index
            while let byte = peek(), Self.isHexDigit(byte) { index += 1 }
            return index > digits
        }
        var digits = 0
        while let byte = peek(), Self.isDigit(byte) {
            index += 1
            digits += 1
        }
        if peek() == UInt8(ascii: ".") {
            index += 1
            while let byte = peek(), Self.isDigit(byte) {
                index += 1
                digits += 1
            }
        }
        guard digits > 0 else { return false }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            let mark = index
            index += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
            var exponent = 0
            while let byte = peek(), Self.isDigit(byte) {
                index += 1
                exponent += 1
            }
            if exponent == 0 { index = mark }
        }
        return true
    }

    private mutating func scanDuration() -> Bool {
        var units = 0
        while let byte = peek(), Self.isDigit(byte) {
            while let digit = peek(), Self.isDigit(digit) { index += 1 }
            guard let unit = peek() else { return false }
            switch unit {
            case UInt8(ascii: "m"):
                index += 1
                if peek() == UInt8(ascii: "s") { index += 1 }
            case UInt8(ascii: "s"), UInt8(ascii: "h"), UInt8(ascii: "d"), UInt8(ascii: "w"), UInt8(ascii: "y"):
                index += 1
            default:
                return false
            }
            units += 1
        }
        return units > 0
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
                try lexEscape(into: &value, quote: quote)
            } else {
                value.append(byte)
            }
        }
        return Token(kind: .string, text: String(decoding: value, as: UTF8.self), position: start)
    }

    private mutating func lexEscape(into value: inout [UInt8], quote: UInt8) throws(ParseError) {
        let escapeStart = index - 1
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

    private func describeEscape(_ byte: UInt8) -> String {
        "'\\\(Character(Unicode.Scalar(byte)))'"
    }
}
