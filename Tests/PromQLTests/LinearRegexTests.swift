import PromQL
import Testing

@Suite("Linear-time regular expressions")
struct LinearRegexTests {
    /// Go's `regexp` answers for a matcher's whole-text match.
    @Test(arguments: [
        ("job|node", "node", true), ("job|node", "nodes", false), ("a.c", "abc", true), ("a.c", "a\nc", false),
        ("(?s)a.c", "a\nc", true), ("[a-c]+", "cab", true), ("[^a-c]+", "xyz", true), ("[^a-c]+", "xaz", false),
        ("\\d{2,3}", "123", true), ("\\d{2,3}", "1234", false), ("\\d{2,}", "12345", true), ("a{0}", "", true),
        ("(?i)GET|post", "Post", true), ("(?i:a)b", "Ab", true), ("(?i:a)b", "AB", false), ("x*", "", true),
        ("\\w+\\s\\W", "ab_1 !", true), ("[[:alpha:]]+[[:digit:]]", "abc1", true), ("[[:^digit:]]", "7", false),
        ("a\\.b", "a.b", true), ("a\\.b", "axb", false), ("\\x41\\x{1F600}", "A😀", true), ("\\Qa.b\\E", "a.b", true),
        ("\\Qa.b\\E", "axb", false), ("a{,2}", "a{,2}", true), ("^a$", "a", true), ("(?m)a$\\n^b", "a\nb", true),
        ("\\bfoo\\b.*", "foo bar", true), ("a\\Bb", "ab", true), ("é+", "ééé", true), ("[α-ω]+", "λόγος", false),
        ("[α-ω]+", "λογος", true), ("(?i)[^k]", "K", false), ("(a|ab)(c|bcd)", "abcd", true), ("a*?b", "aab", true),
        ("(?U)a+", "aaa", true), ("[-a]+", "-a-", true), ("[a-]+", "a-", true), ("[]a]+", "]a", true), ("a{2}{", "aa{", true),
    ])
    func matchesAsGoDoes(pattern: String, text: String, expected: Bool) throws {
        #expect(try LinearRegex(pattern).wholeMatch(text) == expected)
    }

    /// Patterns built at random from a small grammar agree with Swift's `Regex` on every text
    /// up to four characters over the same alphabet.
    @Test func agreesWithSwiftRegexOnGeneratedPatterns() throws {
        var generator = SplitMix(seed: 42)
        let texts = Self.texts(alphabet: ["a", "b", "c"], upTo: 4)
        var compared = 0
        for _ in 0..<300 {
            let pattern = Self.pattern(&generator, depth: 3)
            let linear = try LinearRegex(pattern)
            let swift = try Regex("^(?:\(pattern))$")
            for text in texts {
                let expected = (try? swift.wholeMatch(in: text)) != nil
                #expect(linear.wholeMatch(text) == expected, "\(pattern) on \"\(text)\"")
                compared += 1
            }
        }
        #expect(compared == 300 * texts.count)
    }

    /// Capture groups follow Go's leftmost-first choice (label_replace's `$1`).
    @Test func groupsAreThoseGoReports() throws {
        let regex = try LinearRegex("(a+?)(a*)(b)?(?P<rest>.*)")
        #expect(regex.groupCount == 5)
        #expect(regex.wholeMatchGroups("aaxy") == [0..<4, 0..<1, 1..<2, nil, 2..<4])
        #expect(try LinearRegex("(a|ab)(c|bcd)(d*)").wholeMatchGroups("abcd") == [0..<4, 0..<1, 1..<4, 4..<4])
        #expect(regex.wholeMatchGroups("b") == nil)
    }

    /// Patterns that take a backtracking matcher exponential time are linear here: `(a|a)*b`
    /// against 24 `a`s took Swift's `Regex` 16 s, and twice as long per further `a`.
    @Test(arguments: ["(a|a)*b", "(a*)*b", "(.*)*x", "(a|aa)+$b", "(?:a?){30}a{30}c"])
    func pathologicalPatternsTakeLinearTime(pattern: String) throws {
        let regex = try LinearRegex(pattern)
        let started = ContinuousClock.now
        #expect(!regex.wholeMatch(String(repeating: "a", count: 5000)))
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    /// What it does not implement is `Unsupported`, and a matcher falls back to `Regex`.
    @Test func unsupportedSyntaxFallsBackToRegex() throws {
        #expect(throws: LinearRegex.Unsupported.self) { try LinearRegex("\\p{L}+") }
        #expect(throws: LinearRegex.Unsupported.self) { try LinearRegex("a{1001}") }
        let matcher = try CompiledMatcher(LabelMatcher(name: "city", kind: .regexMatch, value: "\\p{L}+"))
        #expect(matcher.matches("Zürich"))
        #expect(!matcher.matches("Zürich 8001"))
    }

    private static func texts(alphabet: [String], upTo length: Int) -> [String] {
        var all = [""]
        var level = [""]
        for _ in 0..<length {
            level = level.flatMap { prefix in alphabet.map { prefix + $0 } }
            all += level
        }
        return all
    }

    private static func pattern(_ generator: inout SplitMix, depth: Int) -> String {
        let atoms = ["a", "b", ".", "[ab]", "[^a]", "c", "(?:)", "[a-c]"]
        guard depth > 0 else { return atoms[generator.next(atoms.count)] }
        switch generator.next(7) {
        case 0: return pattern(&generator, depth: depth - 1) + pattern(&generator, depth: depth - 1)
        case 1: return "(" + pattern(&generator, depth: depth - 1) + "|" + pattern(&generator, depth: depth - 1) + ")"
        case 2: return "(" + pattern(&generator, depth: depth - 1) + ")*"
        case 3: return "(?:" + pattern(&generator, depth: depth - 1) + ")+"
        case 4: return "(" + pattern(&generator, depth: depth - 1) + ")?"
        case 5: return "(?:" + pattern(&generator, depth: depth - 1) + "){1,2}"
        default: return atoms[generator.next(atoms.count)]
        }
    }
}

/// A small deterministic generator, so that the generated patterns are the same every run.
private struct SplitMix {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next(_ bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        value ^= value >> 31
        return Int(value % UInt64(bound))
    }
}
