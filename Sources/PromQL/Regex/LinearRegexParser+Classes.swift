/// Escapes and bracketed classes, as Go's `regexp/syntax` reads them.
extension LinearRegexParser {
    /// After a `\` outside brackets.
    mutating func escape() throws(LinearRegex.Unsupported) -> RegexNode {
        guard let next = peek else { throw unsupported("trailing backslash at end of expression") }
        position += 1
        switch next {
        case "A": return .assertion(.beginText)
        case "z": return .assertion(.endText)
        case "b": return .assertion(.wordBoundary)
        case "B": return .assertion(.notWordBoundary)
        case "Q":
            // \Q…\E: literal text.
            var items: [RegexNode] = []
            while position < scalars.count {
                if scalars[position] == "\\", position + 1 < scalars.count, scalars[position + 1] == "E" {
                    position += 2
                    break
                }
                items.append(literal(scalars[position]))
                position += 1
            }
            return items.isEmpty ? .empty : .concat(items)
        default:
            position -= 1
            let ranges = try escapedScalars()
            if ranges.count == 1, ranges[0].lowerBound == ranges[0].upperBound, let scalar = Unicode.Scalar(ranges[0].lowerBound) {
                return literal(scalar)
            }
            return .set(ScalarSet(ranges: ranges, foldsCase: foldsCase))
        }
    }

    /// The scalars an escape stands for (one, or a class such as `\d`), inside or outside
    /// brackets; `position` is just after the backslash.
    mutating func escapedScalars() throws(LinearRegex.Unsupported) -> [ClosedRange<UInt32>] {
        guard let next = peek else { throw unsupported("trailing backslash at end of expression") }
        position += 1
        switch next {
        case "d": return Self.digits
        case "D": return ScalarSet.complement(Self.digits)
        case "w": return Self.word
        case "W": return ScalarSet.complement(Self.word)
        case "s": return Self.space
        case "S": return ScalarSet.complement(Self.space)
        case "a": return [7...7]
        case "f": return [12...12]
        case "t": return [9...9]
        case "n": return [10...10]
        case "r": return [13...13]
        case "v": return [11...11]
        case "x": return [try hexEscape()]
        default:
            // Go allows any punctuation to be escaped; letters and digits are classes or errors.
            guard next.isASCII, !next.properties.isAlphabetic, !("0"..."9").contains(next) else {
                throw unsupported("unsupported escape \\\(next)")
            }
            return [next.value...next.value]
        }
    }

    /// `\xHH` or `\x{H…}`, after the `x`.
    private mutating func hexEscape() throws(LinearRegex.Unsupported) -> ClosedRange<UInt32> {
        var digits = ""
        if take("{") {
            while let next = peek, next != "}" {
                digits.unicodeScalars.append(next)
                position += 1
            }
            guard take("}") else { throw unsupported("invalid escape \\x") }
        } else {
            for _ in 0..<2 {
                guard let next = peek else { throw unsupported("invalid escape \\x") }
                digits.unicodeScalars.append(next)
                position += 1
            }
        }
        guard !digits.isEmpty, let value = UInt32(digits, radix: 16), value <= 0x10FFFF else {
            throw unsupported("invalid escape \\x")
        }
        return value...value
    }

    /// A bracketed class, after its `[`.
    mutating func bracket() throws(LinearRegex.Unsupported) -> ScalarSet {
        let negated = take("^")
        var ranges: [ClosedRange<UInt32>] = []
        var first = true
        while true {
            guard let next = peek else { throw unsupported("missing closing ]") }
            if next == "]", !first { position += 1; break }
            first = false
            if next == "[", position + 1 < scalars.count, scalars[position + 1] == ":" {
                ranges += try posixClass()
                continue
            }
            let low: [ClosedRange<UInt32>]
            position += 1
            if next == "\\" {
                low = try escapedScalars()
            } else {
                low = [next.value...next.value]
            }
            // A range a-z, unless the `-` ends the class.
            if low.count == 1, low[0].lowerBound == low[0].upperBound, peek == "-",
                position + 1 < scalars.count, scalars[position + 1] != "]"
            {
                position += 1
                guard let end = peek else { throw unsupported("missing closing ]") }
                position += 1
                let high = end == "\\" ? try escapedScalars() : [end.value...end.value]
                guard high.count == 1, high[0].lowerBound == high[0].upperBound, high[0].lowerBound >= low[0].lowerBound else {
                    throw unsupported("invalid character class range")
                }
                ranges.append(low[0].lowerBound...high[0].lowerBound)
            } else {
                ranges += low
            }
        }
        var normalized = ScalarSet.normalized(ranges)
        if negated {
            // Go folds case before negating: [^a] with (?i) excludes A too.
            if foldsCase { normalized = ScalarSet.normalized(normalized + Self.caseFolded(normalized)) }
            return ScalarSet(ranges: ScalarSet.complement(normalized), foldsCase: false)
        }
        return ScalarSet(ranges: normalized, foldsCase: foldsCase)
    }

    /// `[:name:]` or `[:^name:]` inside brackets.
    private mutating func posixClass() throws(LinearRegex.Unsupported) -> [ClosedRange<UInt32>] {
        position += 2
        let negated = take("^")
        var name = ""
        while let next = peek, next != ":" {
            name.unicodeScalars.append(next)
            position += 1
        }
        guard take(":"), take("]"), let ranges = Self.posixClasses[name] else {
            throw unsupported("invalid character class range")
        }
        return negated ? ScalarSet.complement(ScalarSet.normalized(ranges)) : ranges
    }

    /// The other-case forms of the ASCII and Latin letters in `ranges` (enough for what a
    /// negated case-insensitive class excludes in practice; other scripts match as written).
    private static func caseFolded(_ ranges: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
        var extra: [ClosedRange<UInt32>] = []
        for range in ranges {
            for value in range.lowerBound...min(range.upperBound, 0x24F) {
                guard let scalar = Unicode.Scalar(value) else { continue }
                for variant in LinearRegex.caseVariants(of: scalar) where variant != value { extra.append(variant...variant) }
            }
        }
        return extra
    }

    static let digits: [ClosedRange<UInt32>] = [0x30...0x39]
    static let word: [ClosedRange<UInt32>] = [0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A]
    static let space: [ClosedRange<UInt32>] = [0x09...0x0A, 0x0C...0x0D, 0x20...0x20]
    static let posixClasses: [String: [ClosedRange<UInt32>]] = [
        "alnum": [0x30...0x39, 0x41...0x5A, 0x61...0x7A], "alpha": [0x41...0x5A, 0x61...0x7A], "ascii": [0...0x7F],
        "blank": [0x09...0x09, 0x20...0x20], "cntrl": [0...0x1F, 0x7F...0x7F], "digit": [0x30...0x39],
        "graph": [0x21...0x7E], "lower": [0x61...0x7A], "print": [0x20...0x7E],
        "punct": [0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E], "space": [0x09...0x0D, 0x20...0x20],
        "upper": [0x41...0x5A], "word": word, "xdigit": [0x30...0x39, 0x41...0x46, 0x61...0x66],
    ]
}
