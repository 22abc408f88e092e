/// A lexical token of PromQL, with where it starts in the expression.
public struct Token: Sendable, Equatable {
    /// What kind of token this is.
    public enum Kind: Sendable, Equatable {
        case identifier
        /// An identifier holding a `:` (only valid as a metric name).
        case metricIdentifier
        case number
        case duration
        case string
        case keyword(Keyword)
        case op(Operator)
        case leftParen, rightParen, leftBrace, rightBrace, leftBracket, rightBracket
        case comma, colon, at
        /// `=` inside a label matcher.
        case assign
        case end

        /// Whether this is a reserved word.
        public var isKeyword: Bool {
            if case .keyword = self { return true }
            return false
        }
    }

    /// The kind.
    public var kind: Kind
    /// The text as written (for strings, the decoded value).
    public var text: String
    /// Offset of the first character, in UTF-8 bytes from the start of the expression.
    public var position: Int
}

/// Words PromQL reserves (matched without regard to case, as Prometheus does).
public enum Keyword: String, Sendable, CaseIterable {
    case and, or, unless, atan2
    case sum, avg, count, min, max, group, stddev, stdvar, topk, bottomk, countValues = "count_values", quantile
    case offset, by, without, on, ignoring, groupLeft = "group_left", groupRight = "group_right", bool

    /// Whether the keyword names an aggregation operator.
    public var isAggregator: Bool {
        switch self {
        case .sum, .avg, .count, .min, .max, .group, .stddev, .stdvar, .topk, .bottomk, .countValues, .quantile:
            return true
        default:
            return false
        }
    }
}

/// Arithmetic and comparison operators.
public enum Operator: String, Sendable {
    case add = "+", sub = "-", mul = "*", div = "/", mod = "%", pow = "^"
    case eql = "==", neq = "!=", lss = "<", lte = "<=", gtr = ">", gte = ">="
    case regexMatch = "=~", regexNoMatch = "!~"
}
