import Foundation
import PromQL

/// Reads matchers as Alertmanager writes them (`severity="page"`, `team=~"ops|db"`,
/// `env!=dev`, optionally inside `{…}`), for webhook routing and silences.
enum AlertMatcherParser {
    struct Failure: Error {
        let message: String
    }

    /// One matcher.
    static func parse(_ text: String) throws(Failure) -> LabelMatcher {
        var body = Substring(text.trimmingCharacters(in: .whitespaces))
        if body.hasPrefix("{"), body.hasSuffix("}") { body = body.dropFirst().dropLast() }
        guard let operatorStart = body.firstIndex(where: { "=!".contains($0) }) else {
            throw Failure(message: "want name, an operator (=, !=, =~, !~) and a value")
        }
        let name = body[..<operatorStart].trimmingCharacters(in: .whitespaces)
        guard Labels.isValidName(name) else { throw Failure(message: "invalid label name \"\(name)\"") }
        var rest = body[operatorStart...]
        let kind: LabelMatcher.Kind
        if rest.hasPrefix("=~") {
            kind = .regexMatch
        } else if rest.hasPrefix("!~") {
            kind = .regexNoMatch
        } else if rest.hasPrefix("!=") {
            kind = .notEqual
        } else if rest.hasPrefix("=") {
            kind = .equal
        } else {
            throw Failure(message: "want an operator (=, !=, =~, !~) after \"\(name)\"")
        }
        rest = rest.dropFirst(kind == .equal ? 1 : 2)
        var value = rest.trimmingCharacters(in: .whitespaces)
        if value.hasPrefix("\"") {
            guard value.count >= 2, value.hasSuffix("\""), let unquoted = unquote(String(value.dropFirst().dropLast())) else {
                throw Failure(message: "unterminated or malformed quoted value")
            }
            value = unquoted
        }
        if kind == .regexMatch || kind == .regexNoMatch, let problem = RegexCheck.problem(value) {
            throw Failure(message: "error parsing regexp: \(problem)")
        }
        return LabelMatcher(name: name, kind: kind, value: value)
    }

    private static func unquote(_ text: String) -> String? {
        var result = ""
        var escaped = false
        for character in text {
            if escaped {
                switch character {
                case "n": result.append("\n")
                case "t": result.append("\t")
                case "\\", "\"": result.append(character)
                default: return nil
                }
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                return nil
            } else {
                result.append(character)
            }
        }
        return escaped ? nil : result
    }
}
