/// The value of a span, event, link or resource attribute: a string, boolean, integer or
/// double, or a homogeneous array of one of those (OpenTelemetry's attribute types).
public enum AttributeValue: Sendable, Hashable {
    case string(String)
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case stringArray([String])
    case boolArray([Bool])
    case intArray([Int64])
    case doubleArray([Double])

    /// The value as text, as a console or a log line shows it.
    public var text: String {
        switch self {
        case .string(let value): return value
        case .bool(let value): return String(value)
        case .int(let value): return String(value)
        case .double(let value): return String(value)
        case .stringArray(let values): return "[" + values.joined(separator: ",") + "]"
        case .boolArray(let values): return "[" + values.map(String.init).joined(separator: ",") + "]"
        case .intArray(let values): return "[" + values.map { String($0) }.joined(separator: ",") + "]"
        case .doubleArray(let values): return "[" + values.map { String($0) }.joined(separator: ",") + "]"
        }
    }

    /// The value with strings cut to at most `limit` characters (the spec's attribute value
    /// length limit; other types are unchanged).
    func truncated(to limit: Int) -> AttributeValue {
        switch self {
        case .string(let value) where value.count > limit:
            return .string(String(value.prefix(limit)))
        case .stringArray(let values) where values.contains(where: { $0.count > limit }):
            return .stringArray(values.map { $0.count > limit ? String($0.prefix(limit)) : $0 })
        default:
            return self
        }
    }
}

extension AttributeValue: ExpressibleByStringInterpolation {
    public init(stringLiteral value: String) { self = .string(value) }
}

extension AttributeValue: ExpressibleByBooleanLiteral {
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension AttributeValue: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int64) { self = .int(value) }
}

extension AttributeValue: ExpressibleByFloatLiteral {
    public init(floatLiteral value: Double) { self = .double(value) }
}
