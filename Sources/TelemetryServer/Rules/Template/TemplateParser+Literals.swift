/// Go literal syntax for template strings and numbers.
extension TemplateParser {
    /// The value of a Go string literal (`"…"` with escapes, or a raw `` `…` ``); nil if malformed.
    static func unquote(_ literal: String) -> String? {
        if literal.hasPrefix("`") { return literal.count >= 2 ? String(literal.dropFirst().dropLast()) : nil }
        var scalars = Array(literal.unicodeScalars)
        guard scalars.count >= 2 else { return nil }
        scalars = Array(scalars[1..<scalars.count - 1])
        var result = String.UnicodeScalarView()
        var index = 0
        func hex(_ count: Int) -> UInt32? {
            guard index + count <= scalars.count else { return nil }
            let digits = String(String.UnicodeScalarView(scalars[index..<index + count]))
            index += count
            return UInt32(digits, radix: 16)
        }
        while index < scalars.count {
            let scalar = scalars[index]
            index += 1
            guard scalar == "\\" else {
                result.append(scalar)
                continue
            }
            guard index < scalars.count else { return nil }
            let escape = scalars[index]
            index += 1
            switch escape {
            case "n": result.append("\n")
            case "t": result.append("\t")
            case "r": result.append("\r")
            case "a": result.append("\u{07}")
            case "b": result.append("\u{08}")
            case "f": result.append("\u{0C}")
            case "v": result.append("\u{0B}")
            case "\\", "\"", "'": result.append(escape)
            case "x", "u", "U":
                guard let value = hex(escape == "x" ? 2 : escape == "u" ? 4 : 8), let decoded = Unicode.Scalar(value) else {
                    return nil
                }
                result.append(decoded)
            case "0"..."7":
                index -= 1
                guard index + 3 <= scalars.count,
                    let value = UInt32(String(String.UnicodeScalarView(scalars[index..<index + 3])), radix: 8),
                    let decoded = Unicode.Scalar(value)
                else { return nil }
                index += 3
                result.append(decoded)
            default: return nil
            }
        }
        return String(result)
    }

    /// A number or character literal as Go's `NumberNode` reads it; nil if malformed.
    static func number(_ token: TemplateToken) -> TemplateNumber? {
        if token.kind == .charConstant {
            guard let text = unquote("\"" + token.text.dropFirst().dropLast() + "\""), text.unicodeScalars.count == 1,
                let scalar = text.unicodeScalars.first
            else { return nil }
            let value = Int(scalar.value)
            return TemplateNumber(text: token.text, int: value, float: Double(value), looksFloat: false)
        }
        var text = token.text.replacingOccurrences(of: "_", with: "")
        var negative = false
        if text.hasPrefix("+") || text.hasPrefix("-") {
            negative = text.hasPrefix("-")
            text.removeFirst()
        }
        let lower = text.lowercased()
        var int: Int?
        var float: Double?
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where lower.hasPrefix(prefix) {
            if let value = Int(lower.dropFirst(2), radix: radix) { int = value }
        }
        if int == nil, !lower.hasPrefix("0x"), !lower.contains("."), !lower.contains("e"), let value = Int(lower) {
            int = value
        }
        if let int {
            float = Double(int)
        } else if !lower.hasPrefix("0x") && !lower.hasPrefix("0o") && !lower.hasPrefix("0b"), let value = Double(lower) {
            float = value
            if value.isFinite, value == value.rounded(), abs(value) < 9.2e18 { int = Int(value) }
        }
        guard int != nil || float != nil else { return nil }
        let looksFloat = !lower.hasPrefix("0x") && lower.contains(where: { ".e".contains($0) })
        return TemplateNumber(
            text: token.text, int: int.map { negative ? -$0 : $0 }, float: float.map { negative ? -$0 : $0 }, looksFloat: looksFloat)
    }
}
