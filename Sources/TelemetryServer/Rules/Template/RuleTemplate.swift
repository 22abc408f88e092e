import PromQL

/// A rule's label or annotation template, parsed once when the rule is loaded and expanded at
/// each evaluation as Prometheus expands it: Go `text/template` with Prometheus's functions,
/// after the prelude `$labels`, `$externalLabels`, `$externalURL`, `$value`. A template that
/// fails yields `<error expanding template: …>` with Go's message, never a failed evaluation.
struct RuleTemplate: Sendable {
    /// The definitions Prometheus puts before every alert template; error positions count them.
    static let prelude =
        "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}"

    private enum Compiled: @unchecked Sendable {
        case plain(String)
        case parsed([TemplateNode])
        case failed(String)
    }

    /// The template's name in messages (`__alert_<rule name>`).
    let name: String
    /// The template as written.
    let text: String
    private let compiled: Compiled

    init(_ text: String, name: String) {
        self.name = name
        self.text = text
        guard text.contains("{{") else {
            compiled = .plain(text)
            return
        }
        do {
            compiled = .parsed(try TemplateParser.parse(Self.prelude + text, functions: TemplateExecutor.functionNames))
        } catch {
            compiled = .failed("error parsing template \(name): template: \(name):\(error.line): \(error.message)")
        }
    }

    /// Why `text` does not parse (`template: NAME:LINE: message`), or nil.
    static func parseProblem(_ text: String, name: String) -> String? {
        guard text.contains("{{") else { return nil }
        do {
            _ = try TemplateParser.parse(prelude + text, functions: TemplateExecutor.functionNames)
            return nil
        } catch {
            return "template: \(name):\(error.line): \(error.message)"
        }
    }

    /// The expansion, or Prometheus's `<error expanding template: …>` text.
    func expand(_ data: TemplateData, environment: TemplateEnvironment) -> String {
        switch compiled {
        case .plain(let text): return text
        case .failed(let message): return "<error expanding template: \(message)>"
        case .parsed(let nodes):
            do {
                return try TemplateExecutor.execute(nodes, data: .data(data), environment: environment)
            } catch {
                let (line, column) = location(of: error.position)
                return "<error expanding template: error executing template \(name): template: \(name):\(line):\(column): "
                    + "executing \"\(name)\" at <\(error.context)>: \(error.message)>"
            }
        }
    }

    /// Go's error position: 1-based line and 0-based byte column in the prelude plus the template.
    private func location(of offset: Int) -> (line: Int, column: Int) {
        let upTo = (Self.prelude + text).utf8.prefix(offset)
        let line = upTo.filter { $0 == UInt8(ascii: "\n") }.count + 1
        guard let newline = upTo.lastIndex(of: UInt8(ascii: "\n")) else { return (line, offset) }
        return (line, offset - upTo.distance(from: upTo.startIndex, to: newline) - 1)
    }
}
