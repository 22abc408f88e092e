import PromQL

/// One element of a `query` result in a template: Prometheus's `*template.sample`.
struct TemplateSample: Sendable {
    var labels: [String: String]
    var value: Double
}

/// What a rule template's dot (`.`) holds: Prometheus's alert template data.
struct TemplateData: Sendable {
    var labels: [String: String]
    var externalLabels: [String: String]
    var externalURL: String
    var value: Double
}

/// A value inside a running template, standing for the Go value Prometheus's template would
/// hold; `goType` names its Go type for error messages.
indirect enum TemplateValue: Sendable {
    /// Go's invalid `reflect.Value`: a missing map key. Printed as `<no value>`.
    case missing
    case null
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    /// `html/template.HTML`, from `safeHtml`.
    case html(String)
    /// `*time.Time`, from `toTime`: milliseconds since the epoch.
    case time(Int64)
    /// `map[string]string`: a label set.
    case labels([String: String])
    /// `map[string]interface {}`, from `args`.
    case arguments([String: TemplateValue])
    /// `template.queryResult`, from `query`.
    case samples([TemplateSample])
    /// `*template.sample`; nil for a nil pointer.
    case sample(TemplateSample?)
    case data(TemplateData)

    static let dataType = "struct { Labels map[string]string; ExternalLabels map[string]string; ExternalURL string; Value float64 }"

    var goType: String {
        switch self {
        case .missing, .null: return "<nil>"
        case .bool: return "bool"
        case .int: return "int"
        case .float: return "float64"
        case .string: return "string"
        case .html: return "template.HTML"
        case .time: return "*time.Time"
        case .labels: return "map[string]string"
        case .arguments: return "map[string]interface {}"
        case .samples: return "template.queryResult"
        case .sample: return "*template.sample"
        case .data: return Self.dataType
        }
    }

    /// Go's truth for `if`, `with`, `and`, `or`, `not`: false, 0, "", nil and empty collections are false.
    var isTrue: Bool {
        switch self {
        case .missing, .null: return false
        case .bool(let value): return value
        case .int(let value): return value != 0
        case .float(let value): return value != 0
        case .string(let text), .html(let text): return !text.isEmpty
        case .time, .data: return true
        case .labels(let map): return !map.isEmpty
        case .arguments(let map): return !map.isEmpty
        case .samples(let samples): return !samples.isEmpty
        case .sample(let sample): return sample != nil
        }
    }

    /// As `{{ }}` prints it: Go's `fmt.Print` of the value (a missing value is `<no value>`).
    var printed: String {
        if case .missing = self { return "<no value>" }
        return formatted(top: true)
    }

    /// Go's `%v` of the value (`top`: not inside a collection, where pointers print as structs).
    func formatted(top: Bool = false) -> String {
        switch self {
        case .missing, .null: return "<nil>"
        case .bool(let value): return value ? "true" : "false"
        case .int(let value): return String(value)
        case .float(let value): return GoQuote.formatFloat(value)
        case .string(let text), .html(let text): return text
        case .time(let milliseconds): return TemplateFunctions.humanizeTimestamp(milliseconds)
        case .labels(let map): return Self.format(map.mapValues { TemplateValue.string($0) })
        case .arguments(let map): return Self.format(map)
        case .samples(let samples): return "[" + samples.map { Self.format($0, pointer: true) }.joined(separator: " ") + "]"
        case .sample(let sample):
            guard let sample else { return "<nil>" }
            return Self.format(sample, pointer: !top)
        case .data(let data):
            return "{\(TemplateValue.labels(data.labels).formatted()) \(TemplateValue.labels(data.externalLabels).formatted()) "
                + "\(data.externalURL) \(GoQuote.formatFloat(data.value))}"
        }
    }

    private static func format(_ map: [String: TemplateValue]) -> String {
        "map[" + map.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value.formatted())" }.joined(separator: " ") + "]"
    }

    private static func format(_ sample: TemplateSample, pointer: Bool) -> String {
        (pointer ? "&" : "") + "{\(TemplateValue.labels(sample.labels).formatted()) \(GoQuote.formatFloat(sample.value))}"
    }

    /// The value as an operand of Go's `fmt.Sprint`: whether it is a string (no space is put
    /// between two string operands).
    var isString: Bool {
        switch self {
        case .string, .html: return true
        default: return false
        }
    }
}
