/// The parse tree of a Go `text/template`, shaped as Go's `text/template/parse` builds it.
indirect enum TemplateNode {
    case text(String)
    /// `{{ pipeline }}`: printed unless it declares variables.
    case action(TemplatePipeline)
    case ifBlock(TemplateBranch)
    case rangeBlock(TemplateBranch)
    case withBlock(TemplateBranch)
    case breakLoop(position: Int)
    case continueLoop(position: Int)
    /// `{{ template "name" pipeline }}`: this engine has no named templates, so it fails at run time.
    case templateCall(name: String, position: Int)
}

/// `if`, `range` or `with`: the pipeline tested, the list run when it holds, the `else` list.
struct TemplateBranch {
    var position: Int
    var pipeline: TemplatePipeline
    var list: [TemplateNode]
    var elseList: [TemplateNode]?
}

/// Commands joined by `|`, optionally declaring (`:=`) or assigning (`=`) variables.
struct TemplatePipeline {
    var position: Int
    var declarations: [String] = []
    var isAssign = false
    var commands: [TemplateCommand] = []

    /// As Go's `PipeNode.String()` writes it.
    var description: String {
        let declared = declarations.isEmpty ? "" : declarations.joined(separator: ", ") + (isAssign ? " = " : " := ")
        return declared + commands.map(\.description).joined(separator: " | ")
    }
}

/// One stage of a pipeline: a function or value and its arguments.
struct TemplateCommand {
    var position: Int
    var arguments: [TemplateOperand]

    var description: String {
        arguments.map { argument in
            if case .pipeline(let pipeline) = argument { return "(\(pipeline.description))" }
            return argument.description
        }.joined(separator: " ")
    }
}

/// A number literal as Go keeps it: its text and the kinds of value it can stand for.
struct TemplateNumber {
    var text: String
    var int: Int?
    var float: Double?
    /// True when the literal was written as a float (with `.`, an exponent, …), as Go decides
    /// whether an untyped constant becomes `float64` or `int`.
    var looksFloat: Bool
}

/// An operand: a function name, field chain, variable, literal or parenthesized pipeline.
indirect enum TemplateOperand {
    case identifier(String, position: Int)
    case field([String], position: Int)
    case variable(String, path: [String], position: Int)
    case dot(position: Int)
    case null(position: Int)
    case bool(Bool, position: Int)
    case number(TemplateNumber, position: Int)
    case string(String, source: String, position: Int)
    case pipeline(TemplatePipeline)
    case chain(TemplateOperand, path: [String], position: Int)

    var position: Int {
        switch self {
        case .identifier(_, let position), .field(_, let position), .variable(_, _, let position), .dot(let position),
            .null(let position), .bool(_, let position), .number(_, let position), .string(_, _, let position),
            .chain(_, _, let position):
            return position
        case .pipeline(let pipeline): return pipeline.position
        }
    }

    /// As Go's node `String()` writes it (used in `executing … at <…>` messages).
    var description: String {
        switch self {
        case .identifier(let name, _): return name
        case .field(let path, _): return path.map { "." + $0 }.joined()
        case .variable(let name, let path, _): return ([name] + path).joined(separator: ".")
        case .dot: return "."
        case .null: return "nil"
        case .bool(let value, _): return value ? "true" : "false"
        case .number(let number, _): return number.text
        case .string(_, let source, _): return source
        case .pipeline(let pipeline): return pipeline.description
        case .chain(let node, let path, _):
            let base = if case .pipeline(let pipeline) = node { "(\(pipeline.description))" } else { node.description }
            return base + path.map { "." + $0 }.joined()
        }
    }
}
