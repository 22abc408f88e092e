/// A function a template can call, with the Go signature that decides how its arguments are
/// checked and converted (Go's `text/template` checks each argument against the parameter type).
struct TemplateFunction: Sendable {
    /// A parameter's Go type.
    enum Parameter: Sendable {
        case string, float
        /// `interface {}`: anything; a missing value becomes nil.
        case any
        /// `reflect.Value`, as Go's builtins take: anything, a missing value included.
        case value
        case queryResult, sample

        var goType: String {
            switch self {
            case .string: return "string"
            case .float: return "float64"
            case .any: return "interface {}"
            case .value: return "reflect.Value"
            case .queryResult: return "template.queryResult"
            case .sample: return "*template.sample"
            }
        }

        /// The value Go passes for a missing value or `nil`; nil where Go refuses it.
        var zero: TemplateValue? {
            switch self {
            case .string, .float: return nil
            case .any: return .null
            case .value: return .missing
            case .queryResult: return .samples([])
            case .sample: return .sample(nil)
            }
        }

        /// Whether a value of this Go type can be passed as is.
        func accepts(_ value: TemplateValue) -> Bool {
            switch (self, value) {
            case (.any, _), (.value, _): return true
            case (.string, .string), (.float, .float), (.queryResult, .samples), (.sample, .sample): return true
            default: return false
            }
        }
    }

    /// What a function reports when it fails (Go: its returned `error`, or a panic, which
    /// Go's template package turns into the call's error too).
    struct Failure: Error, Sendable {
        var message: String

        init(_ message: String) {
            self.message = message
        }
    }

    var parameters: [Parameter]
    var variadic: Parameter?
    var body: @Sendable ([TemplateValue]) throws(Failure) -> TemplateValue

    init(_ parameters: [Parameter], variadic: Parameter? = nil, _ body: @escaping @Sendable ([TemplateValue]) throws(Failure) -> TemplateValue) {
        self.parameters = parameters
        self.variadic = variadic
        self.body = body
    }

    /// A function of strings returning a string.
    static func text(_ count: Int, _ body: @escaping @Sendable ([String]) throws(Failure) -> String) -> TemplateFunction {
        TemplateFunction(Array(repeating: .string, count: count)) { (values) throws(Failure) in
            .string(try body(values.map { if case .string(let text) = $0 { text } else { "" } }))
        }
    }
}
