import PromQL

/// `reReplaceAll` and `match`: Go `regexp` semantics over Swift's `Regex` (RE2 syntax is a
/// subset of what `Regex` reads), with Go's `$1`, `${1}`, `${name}`, `$$` replacement syntax.
enum TemplateRegex {
    typealias Failure = TemplateFunction.Failure

    private static func compile(_ pattern: String) -> Regex<AnyRegexOutput>? { try? Regex(pattern) }

    private static func problem(_ pattern: String) -> String {
        "error parsing regexp: " + (RegexCheck.problem(pattern, anchored: false) ?? "invalid regular expression: `\(pattern)`")
    }

    /// `regexp.MustCompile(pattern).ReplaceAllString(text, replacement)`; a bad pattern panics in
    /// Go, and that is what the failure says.
    static func replaceAll(pattern: String, with replacement: String, in text: String) throws(Failure) -> String {
        guard let regex = compile(pattern) else {
            // Go's regexp quotes the pattern in backquotes when it can.
            let quoted = pattern.contains("`") ? GoQuote.quote(pattern) : "`\(pattern)`"
            throw Failure("regexp: Compile(\(quoted)): \(problem(pattern))")
        }
        var result = ""
        var last = text.startIndex
        for match in text.matches(of: regex) {
            result += text[last..<match.range.lowerBound]
            result += expand(replacement, match)
            last = match.range.upperBound
        }
        return result + text[last...]
    }

    /// `regexp.MatchString(pattern, text)`: whether the pattern matches anywhere in the text.
    static func matches(pattern: String, _ text: String) throws(Failure) -> Bool {
        guard let regex = compile(pattern) else { throw Failure(problem(pattern)) }
        return text.contains(regex)
    }

    /// Go's `Regexp.Expand`: `$name` takes the longest run of letters, digits and `_`; a group
    /// that does not exist or did not match expands to nothing.
    private static func expand(_ template: String, _ match: Regex<AnyRegexOutput>.Match) -> String {
        let characters = Array(template)
        var result = ""
        var index = 0
        while index < characters.count {
            let character = characters[index]
            index += 1
            guard character == "$", index < characters.count else {
                result.append(character)
                continue
            }
            if characters[index] == "$" {
                result.append("$")
                index += 1
                continue
            }
            var name = ""
            if characters[index] == "{" {
                guard let close = characters[index...].firstIndex(of: "}") else {
                    result.append("$")
                    continue
                }
                name = String(characters[(index + 1)..<close])
                index = close + 1
            } else {
                while index < characters.count, characters[index].isLetter || characters[index].isNumber || characters[index] == "_" {
                    name.append(characters[index])
                    index += 1
                }
            }
            guard !name.isEmpty else {
                result.append("$")
                continue
            }
            result += group(name, match)
        }
        return result
    }

    private static func group(_ name: String, _ match: Regex<AnyRegexOutput>.Match) -> String {
        if let number = Int(name) {
            guard number < match.output.count, let substring = match.output[number].substring else { return "" }
            return String(substring)
        }
        guard let element = match.output[name], let substring = element.substring else { return "" }
        return String(substring)
    }
}
