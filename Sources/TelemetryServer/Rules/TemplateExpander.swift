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
/// `{{ $externalLabels.x }}`, `{{ .ExternalLabels.x }}`, piped through the one-value functions
/// of `TemplateFunctions` (`{{ $value | humanize }}`), with `{{-`/`-}}` trimming. Any other
/// action is not expanded: the result is `<error expanding template: …>` naming it, the form
/// Prometheus gives a template that fails, never a failed evaluation.
enum TemplateExpander {
    /// The definitions Prometheus puts before every alert template; its error positions count
    /// them, so ours do too.
    static let prelude =
        "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}"

    /// Why a pipeline stage could not run.
    private enum Failure: Error {
        case unsupported
        /// A function that takes text was given a number, at this byte offset in the action.
        case wrongType(function: String, offset: Int)
    }

    static func expand(_ text: String, _ context: TemplateContext, name: String) -> String {
        guard text.contains("{{") else { return text }
        var output = ""
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            var before = rest[..<open.lowerBound]
            let inside = rest[open.upperBound...]
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
            switch resolve(String(action), context) {
            case .success(let value):
                output += value
            case .failure(.unsupported):
                return "<error expanding template: \(name): {{\(action)}} is not supported yet>"
            case .failure(.wrongType(let function, let offset)):
                // Go's position: 1-based line, 0-based byte column in the prelude plus the template.
                let absolute = prelude.utf8.count + text.utf8.distance(from: text.startIndex, to: action.startIndex) + offset
                let upTo = (prelude + text).utf8.prefix(absolute)
                let line = upTo.filter { $0 == UInt8(ascii: "\n") }.count + 1
                let column = absolute - (upTo.lastIndex(of: UInt8(ascii: "\n")).map { upTo.distance(from: upTo.startIndex, to: $0) + 1 } ?? 0)
                return "<error expanding template: error executing template \(name): template: \(name):\(line):\(column): "
                    + "executing \"\(name)\" at <\(function)>: wrong type for value; expected string; got float64>"
            }
            rest = after
        }
        return output + rest
    }

    /// An operand followed by `| function` stages.
    private static func resolve(_ action: String, _ context: TemplateContext) -> Result<String, Failure> {
        let stages = action.split(separator: "|", omittingEmptySubsequences: false)
        guard let first = stages.first, var value = operand(first.trimmingCharacters(in: .whitespaces), context) else {
            return .failure(.unsupported)
        }
        for stage in stages.dropFirst() {
            let function = stage.trimmingCharacters(in: .whitespaces)
            if TemplateFunctions.takesText(function), case .number = value {
                let leading = stage.prefix { $0 == " " || $0 == "\t" }.utf8.count
                let offset = action.utf8.distance(from: action.startIndex, to: stage.startIndex) + leading
                return .failure(.wrongType(function: function, offset: offset))
            }
            guard let next = TemplateFunctions.apply(function, value) else { return .failure(.unsupported) }
            value = next
        }
        return .success(value.printed)
    }

    private static func operand(_ action: String, _ context: TemplateContext) -> TemplateFunctions.Value? {
        switch action {
        case "$value", ".Value": return .number(context.value)
        default:
            for (prefix, lookup) in [
                ("$labels.", { (name: String) in context.labels[name] }), (".Labels.", { context.labels[$0] }),
                ("$externalLabels.", { context.externalLabels[$0] ?? "" }), (".ExternalLabels.", { context.externalLabels[$0] ?? "" }),
            ] as [(String, (String) -> String)] where action.hasPrefix(prefix) {
                let name = String(action.dropFirst(prefix.count))
                guard Labels.isValidName(name) else { return nil }
                return .text(lookup(name))
            }
            return nil
        }
    }
}
