/// One label matcher of a selector: `name="value"`, `!=`, `=~` or `!~`. Regular expressions
/// are fully anchored, as in Prometheus.
public struct LabelMatcher: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case equal = "=", notEqual = "!=", regexMatch = "=~", regexNoMatch = "!~"
    }

    public var name: String
    public var kind: Kind
    public var value: String

    /// Creates a matcher.
    public init(name: String, kind: Kind, value: String) {
        self.name = name
        self.kind = kind
        self.value = value
    }

    /// Whether the matcher matches the empty string (a selector needs one that does not).
    public var matchesEmpty: Bool {
        switch kind {
        case .equal: return value.isEmpty
        case .notEqual: return !value.isEmpty
        case .regexMatch, .regexNoMatch:
            let matches = (try? LinearRegex(value)).map { $0.wholeMatch("") }
                ?? ((try? Regex("^(?:\(value))$").wholeMatch(in: "")) != nil)
            return kind == .regexMatch ? matches : !matches
        }
    }
}
