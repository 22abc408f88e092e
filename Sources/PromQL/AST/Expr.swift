/// A parsed PromQL expression.
///
/// The cases follow Prometheus's AST: a range selector is a vector selector with a range, and
/// `offset` and `@` belong to selectors and subqueries. `description` prints the canonical
/// form Prometheus prints (`format_query`).
public indirect enum Expr: Sendable, Equatable {
    /// A number literal.
    case number(Double)
    /// A string literal.
    case string(String)
    /// An instant vector selector.
    case vector(VectorSelector)
    /// A range vector selector: `selector[range]`.
    case matrix(VectorSelector, range: PromDuration)
    /// A subquery: `expr[range:step]`.
    case subquery(Subquery)
    /// A function call.
    case call(Function, [Expr])
    /// An aggregation.
    case aggregation(Aggregation)
    /// A binary operation.
    case binary(BinaryExpression)
    /// Unary minus or plus.
    case unary(UnaryOperator, Expr)
    /// An expression in parentheses.
    case paren(Expr)

    /// The type the expression evaluates to.
    public var type: ValueType {
        switch self {
        case .number: return .scalar
        case .string: return .string
        case .vector: return .vector
        case .matrix, .subquery: return .matrix
        case .call(let function, _): return function.returnType
        case .aggregation: return .vector
        case .binary(let binary):
            return binary.lhs.type == .scalar && binary.rhs.type == .scalar ? .scalar : .vector
        case .unary(_, let operand): return operand.type
        case .paren(let inner): return inner.type
        }
    }
}

/// What an expression evaluates to.
public enum ValueType: String, Sendable {
    case scalar, vector = "instant vector", matrix = "range vector", string

    /// The name Prometheus's API uses (`resultType`).
    public var apiName: String {
        switch self {
        case .scalar: return "scalar"
        case .vector: return "vector"
        case .matrix: return "matrix"
        case .string: return "string"
        }
    }
}

/// `-` or `+` in front of an expression.
public enum UnaryOperator: String, Sendable {
    case minus = "-", plus = "+"
}

/// The `@` modifier.
public enum AtModifier: Sendable, Equatable {
    /// A fixed time, in milliseconds since 1970.
    case timestamp(Int64)
    /// The start of the query range.
    case start
    /// The end of the query range.
    case end
}

/// `name{matchers} offset d @ t`.
public struct VectorSelector: Sendable, Equatable {
    /// The metric name when written before the braces.
    public var name: String?
    /// Every matcher, including `__name__="name"` for a written name.
    public var matchers: [LabelMatcher]
    /// `offset` (negative looks ahead); zero when absent.
    public var offset: PromDuration
    /// `@`, when given.
    public var at: AtModifier?

    /// Creates a selector.
    public init(name: String?, matchers: [LabelMatcher], offset: PromDuration = PromDuration(milliseconds: 0), at: AtModifier? = nil) {
        self.name = name
        self.matchers = matchers
        self.offset = offset
        self.at = at
    }
}

/// `expr[range:step] offset d @ t`.
public struct Subquery: Sendable, Equatable {
    public var expr: Expr
    public var range: PromDuration
    /// The resolution; nil means the global evaluation interval.
    public var step: PromDuration?
    public var offset: PromDuration
    public var at: AtModifier?
}

/// `op by (labels) (param, expr)`.
public struct Aggregation: Sendable, Equatable {
    public var op: AggregationOperator
    public var expr: Expr
    /// `topk`'s k, `quantile`'s φ, `count_values`' label.
    public var parameter: Expr?
    public var grouping: [String]
    /// `without` rather than `by`.
    public var without: Bool
}

/// The aggregation operators.
public enum AggregationOperator: String, Sendable, CaseIterable {
    case sum, avg, count, min, max, group, stddev, stdvar, topk, bottomk, countValues = "count_values", quantile

    /// The parameter's type, for operators that take one.
    public var parameterType: ValueType? {
        switch self {
        case .topk, .bottomk, .quantile: return .scalar
        case .countValues: return .string
        default: return nil
        }
    }
}

/// `lhs op bool on (labels) group_left (labels) rhs`.
public struct BinaryExpression: Sendable, Equatable {
    public var op: BinaryOperator
    public var lhs: Expr
    public var rhs: Expr
    /// `bool` after a comparison.
    public var returnBool: Bool
    /// Vector matching, when both sides are vectors (or when written).
    public var matching: VectorMatching?
}

/// How the two sides of a binary operation between vectors are matched.
public struct VectorMatching: Sendable, Equatable {
    public enum Cardinality: Sendable, Equatable {
        case oneToOne, manyToOne, oneToMany, manyToMany
    }

    public var cardinality: Cardinality
    /// `on` (true) or `ignoring` (false).
    public var on: Bool
    public var labels: [String]
    /// `group_left`/`group_right` labels copied from the "one" side.
    public var include: [String]
    /// Whether `on`/`ignoring` was written.
    public var explicit: Bool

    /// Creates a matching.
    public init(cardinality: Cardinality, on: Bool, labels: [String], include: [String], explicit: Bool) {
        self.cardinality = cardinality
        self.on = on
        self.labels = labels
        self.include = include
        self.explicit = explicit
    }
}

/// Binary operators, with Prometheus's precedence.
public enum BinaryOperator: String, Sendable {
    case add = "+", sub = "-", mul = "*", div = "/", mod = "%", pow = "^", atan2
    case eql = "==", neq = "!=", lss = "<", lte = "<=", gtr = ">", gte = ">="
    case and, or, unless

    /// Higher binds tighter: `or` < `and unless` < comparisons < `+ -` < `* / % atan2` < `^`.
    public var precedence: Int {
        switch self {
        case .or: return 1
        case .and, .unless: return 2
        case .eql, .neq, .lss, .lte, .gtr, .gte: return 3
        case .add, .sub: return 4
        case .mul, .div, .mod, .atan2: return 5
        case .pow: return 6
        }
    }

    /// `^` groups to the right; every other operator to the left.
    public var isRightAssociative: Bool { self == .pow }

    public var isComparison: Bool {
        switch self {
        case .eql, .neq, .lss, .lte, .gtr, .gte: return true
        default: return false
        }
    }

    public var isSetOperator: Bool { self == .and || self == .or || self == .unless }
}
