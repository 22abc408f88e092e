/// Checks a matcher's regular expression as Prometheus does (anchored as `^(?:re)$`), and
/// words the common mistakes as Go's `regexp` package does.
public enum RegexCheck {
    /// Why `pattern` is not a valid regular expression, or nil. With `anchored`, the pattern is
    /// checked (and quoted in the message) as a matcher's `^(?:pattern)$`.
    public static func problem(_ pattern: String, anchored anchoring: Bool = true) -> String? {
        let anchored = anchoring ? "^(?:\(pattern))$" : pattern
        if (try? Regex(anchored)) != nil { return nil }
        var depth = 0
        var inClass = false
        var classStart: String.Index?
        var escaped = false
        for index in anchored.indices {
            let character = anchored[index]
            if escaped {
                escaped = false
                continue
            }
            switch character {
            case "\\": escaped = true
            case "[" where !inClass:
                inClass = true
                classStart = index
            case "]" where inClass: inClass = false
            case "(" where !inClass: depth += 1
            case ")" where !inClass:
                depth -= 1
                if depth < 0 { return "unexpected ): `\(anchored)`" }
            default: break
            }
        }
        if inClass, let classStart { return "missing closing ]: `\(anchored[classStart...])`" }
        if depth > 0 { return "missing closing ): `\(anchored)`" }
        return "invalid regular expression: `\(anchored)`"
    }
}
