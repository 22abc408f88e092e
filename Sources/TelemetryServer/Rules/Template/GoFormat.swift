import Foundation
import PromQL

/// Go's `fmt.Sprintf`, `Sprint` and `Sprintln` over template values: the verbs templates use
/// (`%v %s %q %d %f %e %g %x %X %o %b %c %t %T %%`), flags, width and precision, and Go's
/// wording for wrong verbs (`%!d(float64=1.5)`), missing (`%!s(MISSING)`) and extra arguments.
enum GoFormat {
    private struct Spec {
        var minus = false, plus = false, sharp = false, space = false, zero = false
        var width: Int?
        var precision: Int?
    }

    static func sprint(_ values: [TemplateValue]) -> String {
        var result = ""
        for (index, value) in values.enumerated() {
            if index > 0, !value.isString, !values[index - 1].isString { result += " " }
            result += value.formatted(top: true)
        }
        return result
    }

    static func sprintln(_ values: [TemplateValue]) -> String {
        values.map { $0.formatted(top: true) }.joined(separator: " ") + "\n"
    }

    static func sprintf(_ format: String, _ arguments: [TemplateValue]) -> String {
        let characters = Array(format)
        var result = ""
        var index = 0
        var argument = 0
        func number() -> Int? {
            var digits = ""
            while index < characters.count, let digit = characters[index].wholeNumberValue, characters[index].isASCII {
                digits.append(String(digit))
                index += 1
            }
            return Int(digits)
        }
        while index < characters.count {
            let character = characters[index]
            index += 1
            guard character == "%" else {
                result.append(character)
                continue
            }
            var spec = Spec()
            flags: while index < characters.count {
                switch characters[index] {
                case "-": spec.minus = true
                case "+": spec.plus = true
                case "#": spec.sharp = true
                case " ": spec.space = true
                case "0": spec.zero = true
                default: break flags
                }
                index += 1
            }
            if index < characters.count, characters[index] == "*" {
                index += 1
                if argument < arguments.count, case .int(let width) = arguments[argument] { spec.width = width }
                argument += 1
            } else {
                spec.width = number()
            }
            if index < characters.count, characters[index] == "." {
                index += 1
                if index < characters.count, characters[index] == "*" {
                    index += 1
                    if argument < arguments.count, case .int(let precision) = arguments[argument] { spec.precision = precision }
                    argument += 1
                } else {
                    spec.precision = number() ?? 0
                }
            }
            guard index < characters.count else {
                result += "%!(NOVERB)"
                break
            }
            let verb = characters[index]
            index += 1
            if verb == "%" {
                result += "%"
                continue
            }
            guard argument < arguments.count else {
                result += "%!\(verb)(MISSING)"
                continue
            }
            result += formatArgument(arguments[argument], verb: verb, spec)
            argument += 1
        }
        if argument < arguments.count {
            result += "%!(EXTRA " + arguments[argument...].map { "\($0.goType)=\($0.formatted())" }.joined(separator: ", ") + ")"
        }
        return result
    }

    private static func formatArgument(_ value: TemplateValue, verb: Character, _ spec: Spec) -> String {
        if verb == "T" { return pad(value.goType, spec) }
        switch value {
        case .int(let number): return formatInteger(number, verb: verb, spec) ?? bad(verb, value)
        case .float(let number): return formatFloat(number, verb: verb, spec) ?? bad(verb, value)
        case .bool(let flag):
            return verb == "t" || verb == "v" ? pad(flag ? "true" : "false", spec) : bad(verb, value)
        case .string(let text), .html(let text): return formatString(text, verb: verb, spec) ?? bad(verb, value)
        case .missing, .null:
            return verb == "v" ? pad("<nil>", spec) : "%!\(verb)(<nil>)"
        default:
            return verb == "v" || verb == "s" ? pad(value.formatted(), spec) : bad(verb, value)
        }
    }

    private static func bad(_ verb: Character, _ value: TemplateValue) -> String {
        "%!\(verb)(\(value.goType)=\(value.formatted()))"
    }

    private static func formatInteger(_ number: Int, verb: Character, _ spec: Spec) -> String? {
        let magnitude = number.magnitude
        var digits: String
        switch verb {
        case "d", "v": digits = String(magnitude)
        case "x": digits = (spec.sharp ? "0x" : "") + String(magnitude, radix: 16)
        case "X": digits = (spec.sharp ? "0X" : "") + String(magnitude, radix: 16, uppercase: true)
        case "o": digits = (spec.sharp ? "0" : "") + String(magnitude, radix: 8)
        case "O": digits = "0o" + String(magnitude, radix: 8)
        case "b": digits = String(magnitude, radix: 2)
        case "c": return pad(Unicode.Scalar(UInt32(clamping: number)).map { String(Character($0)) } ?? "\u{FFFD}", spec)
        case "q":
            let scalar = Unicode.Scalar(UInt32(clamping: number)).map { String(Character($0)) } ?? "\u{FFFD}"
            return pad("'" + GoQuote.quote(scalar).dropFirst().dropLast() + "'", spec)
        case "U":
            let hex = String(magnitude, radix: 16, uppercase: true)
            return pad("U+" + String(repeating: "0", count: Swift.max(0, 4 - hex.count)) + hex, spec)
        default: return nil
        }
        if let precision = spec.precision, digits.count < precision {
            digits = String(repeating: "0", count: precision - digits.count) + digits
        }
        let sign = number < 0 ? "-" : spec.plus ? "+" : spec.space ? " " : ""
        return pad(digits, spec, sign: sign)
    }

    private static func formatFloat(_ number: Double, verb: Character, _ spec: Spec) -> String? {
        guard "eEfFgGv".contains(verb) else { return nil }
        let sign = number.sign == .minus && !number.isNaN ? "-" : spec.plus ? "+" : spec.space ? " " : ""
        if !number.isFinite {
            var plain = spec
            plain.zero = false
            return pad(number.isNaN ? "NaN" : "Inf", plain, sign: number.isNaN ? (spec.plus ? "+" : "") : (sign.isEmpty ? "+" : sign))
        }
        let magnitude = number.magnitude
        let body: String
        switch verb {
        case "v", "g", "G":
            if let precision = spec.precision {
                body = String(format: "%\(spec.sharp ? "#" : "").\(precision)\(verb == "G" ? "G" : "g")", magnitude)
            } else {
                let shortest = GoQuote.formatFloat(magnitude)
                body = verb == "G" ? shortest.uppercased() : shortest
            }
        case "F": body = String(format: "%.\(spec.precision ?? 6)f", magnitude)
        default: body = String(format: "%\(spec.sharp ? "#" : "").\(spec.precision ?? 6)\(verb)", magnitude)
        }
        return pad(body, spec, sign: sign)
    }

    private static func formatString(_ text: String, verb: Character, _ spec: Spec) -> String? {
        switch verb {
        case "s", "v":
            let truncated = spec.precision.map { String(text.prefix($0)) } ?? text
            return pad(truncated, spec)
        case "q":
            return pad(spec.sharp && !text.contains("`") ? "`\(text)`" : GoQuote.quote(text), spec)
        case "x", "X":
            let hex = text.utf8.map { byte in
                let digits = String(byte, radix: 16, uppercase: verb == "X")
                return digits.count < 2 ? "0" + digits : digits
            }.joined()
            return pad(hex, spec)
        default: return nil
        }
    }

    /// Pads `body` (after `sign`) to the width: spaces on the left, or on the right with `-`,
    /// or zeros between sign and digits with `0` (Go pads strings with zeros too).
    private static func pad(_ body: String, _ spec: Spec, sign: String = "") -> String {
        let text = sign + body
        guard let width = spec.width, text.count < width else { return text }
        let fill = width - text.count
        if spec.minus { return text + String(repeating: " ", count: fill) }
        if spec.zero { return sign + String(repeating: "0", count: fill) + body }
        return String(repeating: " ", count: fill) + text
    }
}
