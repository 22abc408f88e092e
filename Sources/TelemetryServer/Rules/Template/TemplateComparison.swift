/// Go `text/template`'s comparison functions: operands of the same basic kind (bool, int,
/// float, string) compare; an int against a float is "incompatible types for comparison",
/// as Go has it; a missing value equals nothing, without error.
enum TemplateComparison {
    private enum Kind: Equatable { case bool, int, float, string, invalid }

    private static func kind(_ value: TemplateValue) -> Kind {
        switch value {
        case .bool: return .bool
        case .int: return .int
        case .float: return .float
        case .string, .html: return .string
        default: return .invalid
        }
    }

    private static func isValid(_ value: TemplateValue) -> Bool {
        if case .missing = value { return false }
        return true
    }

    /// `eq arg1 arg2...`: whether `first` equals any of `others`.
    static func equal(_ first: TemplateValue, _ others: [TemplateValue]) throws(TemplateFunction.Failure) -> Bool {
        guard !others.isEmpty else { throw TemplateFunction.Failure("missing argument for comparison") }
        let firstKind = kind(first)
        for other in others {
            let otherKind = kind(other)
            if firstKind != otherKind {
                if isValid(first), isValid(other) { throw TemplateFunction.Failure("incompatible types for comparison") }
                continue
            }
            switch (first, other) {
            case (.bool(let a), .bool(let b)) where a == b: return true
            case (.int(let a), .int(let b)) where a == b: return true
            case (.float(let a), .float(let b)) where a == b: return true
            case (.string(let a), .string(let b)) where a == b, (.html(let a), .html(let b)) where a == b,
                (.string(let a), .html(let b)) where a == b, (.html(let a), .string(let b)) where a == b:
                return true
            case (.missing, .missing), (.null, .null), (.missing, .null), (.null, .missing): return true
            case (.sample(nil), .sample(nil)): return true
            default:
                if firstKind == .invalid, isValid(first), isValid(other) {
                    throw TemplateFunction.Failure("non-comparable type \(other.formatted()): \(other.goType)")
                }
            }
        }
        return false
    }

    /// `le arg1 arg2`.
    static func lessOrEqual(_ first: TemplateValue, _ second: TemplateValue) throws(TemplateFunction.Failure) -> Bool {
        if try less(first, second) { return true }
        return try equal(first, [second])
    }

    /// `lt arg1 arg2`.
    static func less(_ first: TemplateValue, _ second: TemplateValue) throws(TemplateFunction.Failure) -> Bool {
        let (a, b) = (kind(first), kind(second))
        guard a != .invalid, a != .bool, b != .invalid, b != .bool else {
            throw TemplateFunction.Failure("invalid type for comparison")
        }
        guard a == b else { throw TemplateFunction.Failure("incompatible types for comparison") }
        switch (first, second) {
        case (.int(let x), .int(let y)): return x < y
        case (.float(let x), .float(let y)): return x < y
        case (.string(let x), .string(let y)), (.html(let x), .html(let y)), (.string(let x), .html(let y)), (.html(let x), .string(let y)):
            return x.utf8.lexicographicallyPrecedes(y.utf8)
        default: return false
        }
    }
}
