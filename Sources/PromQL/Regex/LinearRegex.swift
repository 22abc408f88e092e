/// A regular expression in RE2's syntax (Go's `regexp`, what Prometheus matches label values
/// with), matched in time linear in the text: the program runs as a set of threads advancing
/// together over the text (a Pike VM), never by backtracking.
///
/// Swift's `Regex` backtracks: `(a|a)*b` against 24 `a`s takes 16 s, and every series in the
/// history is matched against a selector's pattern with no way to stop a match midway. A query
/// can choose the pattern, and an OTLP client the label values. Here the work is at most the
/// program's size times the text's length, whatever the two are.
///
/// Matching is of the whole text (a matcher's `^(?:re)$`), with Go's leftmost-first choice of
/// capture groups. Unicode property classes (`\pL`, `\p{Greek}`), octal escapes and `\C` are
/// not supported: `init` throws `Unsupported` for them, and callers fall back to `Regex`.
public struct LinearRegex: Sendable {
    /// One step of the compiled program.
    enum Instruction: Sendable {
        /// A scalar, or (case-folded) either of two.
        case scalar(UInt32, UInt32)
        /// Any scalar (`.`); with `false`, any but a newline.
        case any(newline: Bool)
        /// A scalar in `sets[index]`.
        case set(Int)
        /// Continue at both, the first preferred.
        case split(Int, Int)
        case jump(Int)
        /// Remember the position in capture slot `n`.
        case save(Int)
        /// Continue only where the position satisfies the assertion.
        case assert(Assertion)
        case match
    }

    /// Zero-width assertions.
    enum Assertion: Sendable {
        case beginText, endText, beginLine, endLine, wordBoundary, notWordBoundary
    }

    /// A pattern this matcher does not handle (Go would accept it); use `Regex` instead.
    public struct Unsupported: Error, Sendable {
        public let reason: String
    }

    let program: [Instruction]
    let sets: [ScalarSet]
    /// Capture groups, the whole match (group 0) included.
    public let groupCount: Int
    /// The numbers of named groups.
    public let groupNames: [String: Int]

    /// Compiles `pattern`. Throws `Unsupported` for syntax it does not implement or does not
    /// recognise (Go's own checks, done with `RegexCheck`, come first).
    public init(_ pattern: String) throws(Unsupported) {
        var parser = LinearRegexParser(pattern)
        let node = try parser.parse()
        var compiler = LinearRegexCompiler()
        try compiler.compile(.group(node, capture: 0))
        compiler.emit(.match)
        program = compiler.program
        sets = compiler.sets
        groupCount = parser.groupCount + 1
        groupNames = parser.groupNames
    }

    /// Whether the whole of `text` matches.
    public func wholeMatch(_ text: String) -> Bool {
        run(Array(text.unicodeScalars), captures: false) != nil
    }

    /// The groups of a whole match of `text` (index 0: the whole text), each as a range of
    /// `text.unicodeScalars` offsets, nil for a group that took no part; nil when `text` does
    /// not match.
    public func wholeMatchGroups(_ text: String) -> [Range<Int>?]? {
        guard let slots = run(Array(text.unicodeScalars), captures: true) else { return nil }
        return (0..<groupCount).map { group in
            let start = slots[2 * group], end = slots[2 * group + 1]
            return start >= 0 && end >= start ? start..<end : nil
        }
    }
}

/// A set of scalars as sorted, disjoint ranges, optionally matched without regard to case.
struct ScalarSet: Sendable {
    var ranges: [ClosedRange<UInt32>]
    var foldsCase = false

    func contains(_ scalar: UInt32) -> Bool {
        if hasRange(containing: scalar) { return true }
        guard foldsCase, let value = Unicode.Scalar(scalar) else { return false }
        return LinearRegex.caseVariants(of: value).contains { $0 != scalar && hasRange(containing: $0) }
    }

    private func hasRange(containing scalar: UInt32) -> Bool {
        var low = 0, high = ranges.count
        while low < high {
            let middle = (low + high) / 2
            if ranges[middle].upperBound < scalar { low = middle + 1 } else { high = middle }
        }
        return low < ranges.count && ranges[low].contains(scalar)
    }

    /// Sorted and merged.
    static func normalized(_ ranges: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
        var merged: [ClosedRange<UInt32>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, range.lowerBound <= last.upperBound &+ 1 {
                merged[merged.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        return merged
    }

    /// Every scalar not in `ranges` (which must be normalized).
    static func complement(_ ranges: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
        var result: [ClosedRange<UInt32>] = []
        var next: UInt32 = 0
        for range in ranges {
            if range.lowerBound > next { result.append(next...(range.lowerBound - 1)) }
            next = range.upperBound &+ 1
            if range.upperBound == 0x10FFFF { return result }
        }
        result.append(next...0x10FFFF)
        return result
    }
}

extension LinearRegex {
    /// `scalar` and its simple upper- and lowercase forms.
    static func caseVariants(of scalar: Unicode.Scalar) -> [UInt32] {
        var variants = [scalar.value]
        for mapping in [scalar.properties.lowercaseMapping, scalar.properties.uppercaseMapping] {
            let scalars = mapping.unicodeScalars
            if scalars.count == 1, let only = scalars.first, only != scalar { variants.append(only.value) }
        }
        return variants
    }
}
