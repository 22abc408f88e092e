/// A parsed regular expression, before compilation.
indirect enum RegexNode {
    case empty
    case scalar(UInt32, foldsCase: Bool)
    case any(newline: Bool)
    case set(ScalarSet)
    case group(RegexNode, capture: Int?)
    case concat([RegexNode])
    case alternate([RegexNode])
    case repetition(RegexNode, min: Int, max: Int?, greedy: Bool)
    case assertion(LinearRegex.Assertion)
}

/// Parses RE2's syntax into `RegexNode`s. Anything it does not implement, and anything it
/// cannot make sense of, is `Unsupported`: the caller falls back to Swift's `Regex`, which
/// reports real syntax errors in its own words.
struct LinearRegexParser {
    private struct Flags {
        var foldsCase = false
        var dotMatchesNewline = false
        var multiLine = false
        var ungreedy = false
    }

    let scalars: [Unicode.Scalar]
    var position = 0
    private var flags = Flags()
    var foldsCase: Bool { flags.foldsCase }
    private(set) var groupCount = 0
    /// The numbers of named groups (`(?P<name>re)`).
    private(set) var groupNames: [String: Int] = [:]
    /// Go's limit on `{n,m}` counts.
    static let maxRepeat = 1000

    init(_ pattern: String) {
        scalars = Array(pattern.unicodeScalars)
    }

    mutating func parse() throws(LinearRegex.Unsupported) -> RegexNode {
        let node = try alternation()
        guard position == scalars.count else { throw unsupported("unexpected )") }
        return node
    }

    func unsupported(_ reason: String) -> LinearRegex.Unsupported {
        LinearRegex.Unsupported(reason: reason)
    }

    var peek: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

    mutating func take(_ expected: Unicode.Scalar) -> Bool {
        guard peek == expected else { return false }
        position += 1
        return true
    }

    private mutating func alternation() throws(LinearRegex.Unsupported) -> RegexNode {
        let saved = flags
        defer { flags = saved }
        var branches = [try concatenation()]
        while take("|") { branches.append(try concatenation()) }
        return branches.count == 1 ? branches[0] : .alternate(branches)
    }

    private mutating func concatenation() throws(LinearRegex.Unsupported) -> RegexNode {
        var items: [RegexNode] = []
        while let next = peek, next != "|", next != ")" {
            guard let atom = try atom() else { continue }
            items.append(try quantified(atom))
        }
        return items.isEmpty ? .empty : items.count == 1 ? items[0] : .concat(items)
    }

    /// The next atom, or nil after a flag group such as `(?i)` that only changed the flags.
    private mutating func atom() throws(LinearRegex.Unsupported) -> RegexNode? {
        guard let next = peek else { throw unsupported("unexpected end") }
        position += 1
        switch next {
        case "(": return try group()
        case "[": return .set(try bracket())
        case ".": return .any(newline: flags.dotMatchesNewline)
        case "^": return .assertion(flags.multiLine ? .beginLine : .beginText)
        case "$": return .assertion(flags.multiLine ? .endLine : .endText)
        case "\\": return try escape()
        case "*", "+", "?": throw unsupported("missing argument to repetition operator")
        case "{":
            // A `{` that does not start a valid count is a literal in Go.
            if parseCount() != nil { throw unsupported("missing argument to repetition operator") }
            return literal(next)
        default: return literal(next)
        }
    }

    func literal(_ scalar: Unicode.Scalar) -> RegexNode {
        .scalar(scalar.value, foldsCase: flags.foldsCase)
    }

    private mutating func group() throws(LinearRegex.Unsupported) -> RegexNode? {
        guard take("?") else {
            groupCount += 1
            let index = groupCount
            let inner = try alternation()
            guard take(")") else { throw unsupported("missing )") }
            return .group(inner, capture: index)
        }
        if take("P") || peek == "<" {
            // (?P<name>re) or (?<name>re): a named capture.
            guard take("<") else { throw unsupported("invalid named capture") }
            var name = ""
            while let next = peek, next != ">" {
                name.unicodeScalars.append(next)
                position += 1
            }
            guard take(">") else { throw unsupported("invalid named capture") }
            groupCount += 1
            let index = groupCount
            if groupNames[name] == nil { groupNames[name] = index }
            let inner = try alternation()
            guard take(")") else { throw unsupported("missing )") }
            return .group(inner, capture: index)
        }
        // Flags: (?flags) for the rest of the group, (?flags:re) for re alone.
        var updated = flags
        var negate = false
        while let next = peek {
            position += 1
            switch next {
            case "i": updated.foldsCase = !negate
            case "s": updated.dotMatchesNewline = !negate
            case "m": updated.multiLine = !negate
            case "U": updated.ungreedy = !negate
            case "-" where !negate: negate = true
            case ")":
                flags = updated
                return nil
            case ":":
                let saved = flags
                flags = updated
                let inner = try alternation()
                flags = saved
                guard take(")") else { throw unsupported("missing )") }
                return .group(inner, capture: nil)
            default: throw unsupported("invalid or unsupported group flag")
            }
        }
        throw unsupported("missing )")
    }

    private mutating func quantified(_ atom: RegexNode) throws(LinearRegex.Unsupported) -> RegexNode {
        var node = atom
        while let next = peek {
            let bounds: (Int, Int?)
            switch next {
            case "*": bounds = (0, nil)
            case "+": bounds = (1, nil)
            case "?": bounds = (0, 1)
            case "{":
                let start = position
                position += 1
                guard let count = parseCount() else {
                    position = start
                    return node
                }
                guard count.0 <= Self.maxRepeat, (count.1 ?? 0) <= Self.maxRepeat, count.1.map({ $0 >= count.0 }) ?? true
                else { throw unsupported("invalid repeat count") }
                bounds = count
                position -= 1
            default: return node
            }
            position += 1
            if case .repetition = node { throw unsupported("invalid nested repetition operator") }
            if case .assertion = node { throw unsupported("repetition of an assertion") }
            let lazy = take("?")
            node = .repetition(node, min: bounds.0, max: bounds.1, greedy: lazy == flags.ungreedy)
        }
        return node
    }

    /// `n}`, `n,}` or `n,m}` after a `{`, consumed when valid; nil (nothing consumed) otherwise.
    private mutating func parseCount() -> (Int, Int?)? {
        let start = position
        func number() -> Int? {
            var value = 0, digits = 0
            while let next = peek, let digit = Int(String(next)), next.isASCII {
                value = min(value * 10 + digit, 100_000)
                digits += 1
                position += 1
            }
            return digits > 0 ? value : nil
        }
        guard let low = number() else {
            position = start
            return nil
        }
        var high: Int? = low
        if take(",") { high = number() }
        guard take("}") else {
            position = start
            return nil
        }
        return (low, high)
    }
}
