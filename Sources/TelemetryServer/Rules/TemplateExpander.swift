import Foundation
import PromQL

/// What a rule's label and annotation templates can refer to.
public struct TemplateContext: Sendable {
    public var labels: Labels
    public var value: Double
    public var externalLabels: [String: String]

    public init(labels: Labels, value: Double, externalLabels: [String: String] = [:]) {
        self.labels = labels
        self.value = value
        self.externalLabels = externalLabels
    }
}

/// Expands the part of Go's `text/template` that rule labels and annotations use most:
/// `{{ $labels.x }}`, `{{ .Labels.x }}`, `{{ $value }}`, `{{ .Value }}`,
/// `{{ $externalLabels.x }}`, `{{ .ExternalLabels.x }}`, with `{{-`/`-}}` trimming. Any other
/// action is not expanded: the result is `<error expanding template: …>` naming it, the form
/// Prometheus gives a template that fails, never a failed evaluation.
enum TemplateExpander {
    static func expand(_ text: String, _ context: TemplateContext, name: String) -> String {
        guard text.contains("{{") else { return text }
        var output = ""
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            var before = rest[..<open.lowerBound]
            var inside = rest[open.upperBound...]
            guard let close = inside.range(of: "}}") else {
                return "<error expanding template: template: \(name):1: unclosed action>"
            }
            var action = inside[..<close.lowerBound]
            var after = inside[close.upperBound...]
            if action.hasPrefix("-") {
                action = action.dropFirst()
                while let last = before.last, last.isWhitespace { before = before.dropLast() }
            }
            if action.hasSuffix("-") {
                action = action.dropLast()
                after = after.drop(while: \.isWhitespace)
            }
            output += before
            guard let value = resolve(action.trimmingCharacters(in: .whitespaces), context) else {
                return "<error expanding template: \(name): {{\(action)}} is not supported yet>"
            }
            output += value
            inside = after
            rest = inside
        }
        return output + rest
    }

    private static func resolve(_ action: String, _ context: TemplateContext) -> String? {
        switch action {
        case "$value", ".Value": return GoQuote.formatFloat(context.value)
        default:
            for (prefix, lookup) in [
                ("$labels.", { (name: String) in context.labels[name] }), (".Labels.", { context.labels[$0] }),
                ("$externalLabels.", { context.externalLabels[$0] ?? "" }), (".ExternalLabels.", { context.externalLabels[$0] ?? "" }),
            ] as [(String, (String) -> String)] where action.hasPrefix(prefix) {
                let name = String(action.dropFirst(prefix.count))
                guard Labels.isValidName(name) else { return nil }
                return lookup(name)
            }
            return nil
        }
    }
}
