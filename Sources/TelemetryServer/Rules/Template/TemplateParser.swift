import PromQL

/// Why a template could not be parsed, worded and placed (1-based line) as Go's parser does.
struct TemplateParseError: Error {
    var line: Int
    var message: String
}

/// Builds the parse tree of a template as Go's `text/template/parse` does, with its checks:
/// functions must exist, variables must be declared before use, `break`/`continue` only inside
/// `range`, every block closed by `{{end}}`.
struct TemplateParser {
    /// How deep parenthesized pipelines and blocks may nest (Go has no limit; a rule file with
    /// thousands of nested parentheses must not exhaust the stack).
    static let maximumDepth = 200

    private let tokens: [TemplateToken]
    private var index = 0
    private var line = 1
    private var variables: [String] = ["$"]
    private var rangeDepth = 0
    private var depth = 0
    private let functions: Set<String>

    /// Parses `text`; `functions` are the names a command may call.
    static func parse(_ text: String, functions: Set<String>) throws(TemplateParseError) -> [TemplateNode] {
        var parser = TemplateParser(tokens: TemplateLexer.tokens(text), functions: functions)
        var list: [TemplateNode] = []
        while parser.peek.kind != .eof {
            let node = try parser.textOrAction()
            switch node {
            case .end: throw parser.error("unexpected {{end}}")
            case .else: throw parser.error("unexpected {{else}}")
            case .node(let node): list.append(node)
            }
        }
        return list
    }

    private init(tokens: [TemplateToken], functions: Set<String>) {
        self.tokens = tokens
        self.functions = functions
    }

    private enum Item {
        case node(TemplateNode)
        case end
        /// `{{else}}`, or `{{else if …}}` when `elseIf` is true.
        case `else`(elseIf: Bool)
    }

    private var peek: TemplateToken { tokens[Swift.min(index, tokens.count - 1)] }

    private mutating func next() -> TemplateToken {
        let token = peek
        if index < tokens.count { index += 1 }
        line = token.line
        return token
    }

    private mutating func backup() { index -= 1 }

    private mutating func nextNonSpace() -> TemplateToken {
        var token = next()
        while token.kind == .space { token = next() }
        return token
    }

    private mutating func peekNonSpace() -> TemplateToken {
        let token = nextNonSpace()
        backup()
        return token
    }

    private func error(_ message: String) -> TemplateParseError { TemplateParseError(line: line, message: message) }

    private mutating func failOnLexError(_ token: TemplateToken) throws(TemplateParseError) {
        if token.kind == .error {
            line = token.line
            throw error(token.text)
        }
    }

    private mutating func textOrAction() throws(TemplateParseError) -> Item {
        let token = nextNonSpace()
        switch token.kind {
        case .text: return .node(.text(token.text))
        case .leftDelim: return try action()
        case .error: throw error(token.text)
        default: throw error("unexpected \(token.quoted) in input")
        }
    }

    private mutating func action() throws(TemplateParseError) -> Item {
        let token = nextNonSpace()
        try failOnLexError(token)
        if token.kind == .keyword {
            switch token.text {
            case "if": return .node(.ifBlock(try control(context: "if", position: token.position)))
            case "range": return .node(.rangeBlock(try control(context: "range", position: token.position)))
            case "with": return .node(.withBlock(try control(context: "with", position: token.position)))
            case "end":
                try expectRightDelim(context: "end")
                return .end
            case "else":
                if peekNonSpace().kind == .keyword, peekNonSpace().text == "if" { return .else(elseIf: true) }
                try expectRightDelim(context: "else")
                return .else(elseIf: false)
            case "break", "continue":
                guard rangeDepth > 0 else { throw error("{{\(token.text)}} outside {{range}}") }
                try expectRightDelim(context: token.text)
                return .node(token.text == "break" ? .breakLoop(position: token.position) : .continueLoop(position: token.position))
            case "template":
                let name = nextNonSpace()
                guard name.kind == .string || name.kind == .rawString, let text = Self.unquote(name.text) else {
                    throw error("unexpected \(name.quoted) in template clause")
                }
                if peekNonSpace().kind != .rightDelim { _ = try pipeline(context: "template clause", end: .rightDelim) } else { _ = next() }
                return .node(.templateCall(name: text, position: name.position))
            default:
                // define and block need named templates, which rule templates cannot use.
                throw error("unexpected \(token.quoted) in command")
            }
        }
        backup()
        return .node(.action(try pipeline(context: "command", end: .rightDelim)))
    }

    private mutating func expectRightDelim(context: String) throws(TemplateParseError) {
        let token = nextNonSpace()
        try failOnLexError(token)
        guard token.kind == .rightDelim else { throw error("unexpected \(token.quoted) in \(context)") }
    }

    private mutating func control(context: String, position: Int) throws(TemplateParseError) -> TemplateBranch {
        let saved = variables.count
        defer { variables.removeLast(variables.count - saved) }
        let pipeline = try pipeline(context: context, end: .rightDelim)
        if context == "range" { rangeDepth += 1 }
        let (list, next) = try itemList()
        if context == "range" { rangeDepth -= 1 }
        var elseList: [TemplateNode]?
        if case .else(let elseIf) = next {
            if elseIf, context == "if" {
                let keyword = nextNonSpace()
                // The nested `if` consumes the one `{{end}}` the chain needs.
                elseList = [.ifBlock(try control(context: "if", position: keyword.position))]
            } else {
                if elseIf { throw error("unexpected <if> in else") }
                let (otherwise, end) = try itemList()
                guard case .end = end else { throw error("expected end; found {{else}}") }
                elseList = otherwise
            }
        }
        return TemplateBranch(position: position, pipeline: pipeline, list: list, elseList: elseList)
    }

    private mutating func itemList() throws(TemplateParseError) -> ([TemplateNode], Item) {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumDepth else { throw error("template nested too deeply") }
        var list: [TemplateNode] = []
        while peekNonSpace().kind != .eof {
            let item = try textOrAction()
            switch item {
            case .node(let node): list.append(node)
            case .end, .else: return (list, item)
            }
        }
        throw error("unexpected EOF")
    }

    private mutating func pipeline(context: String, end: TemplateToken.Kind) throws(TemplateParseError) -> TemplatePipeline {
        var pipeline = TemplatePipeline(position: peekNonSpace().position)
        // Declarations: `$x :=`, `$x =`, or `$i, $e :=` in a range.
        declarations: while peekNonSpace().kind == .variable {
            let beforeVariable = index
            let variable = nextNonSpace()
            let following = peekNonSpace()
            if following.kind == .declare || following.kind == .assign {
                _ = nextNonSpace()
                pipeline.isAssign = following.kind == .assign
                pipeline.declarations.append(variable.text)
                variables.append(variable.text)
                break declarations
            } else if following.kind == .char, following.text == "," {
                _ = nextNonSpace()
                pipeline.declarations.append(variable.text)
                variables.append(variable.text)
                if context == "range", pipeline.declarations.count < 2 {
                    let after = peekNonSpace().kind
                    if after == .variable || after == .rightDelim || after == .rightParen { continue declarations }
                    throw error("range can only initialize variables")
                }
                throw error("too many declarations in \(context)")
            } else {
                index = beforeVariable
                break declarations
            }
        }
        while true {
            let token = nextNonSpace()
            try failOnLexError(token)
            if token.kind == end {
                try check(pipeline, context: context)
                return pipeline
            }
            switch token.kind {
            case .bool, .charConstant, .dot, .field, .identifier, .number, .null, .rawString, .string, .variable, .leftParen:
                backup()
                pipeline.commands.append(try command())
            default:
                throw error("unexpected \(token.quoted) in \(context)")
            }
        }
    }

    private func check(_ pipeline: TemplatePipeline, context: String) throws(TemplateParseError) {
        guard !pipeline.commands.isEmpty else { throw error("missing value for \(context)") }
        for (offset, command) in pipeline.commands.enumerated().dropFirst() {
            switch command.arguments.first {
            case .bool, .dot, .null, .number, .string:
                throw error("non executable command in pipeline stage \(offset + 1)")
            default: continue
            }
        }
    }

    private mutating func command() throws(TemplateParseError) -> TemplateCommand {
        var command = TemplateCommand(position: peekNonSpace().position, arguments: [])
        while true {
            _ = peekNonSpace()
            if let operand = try operand() { command.arguments.append(operand) }
            let token = next()
            try failOnLexError(token)
            switch token.kind {
            case .space: continue
            case .rightDelim, .rightParen: backup()
            case .pipe: break
            default: throw error("unexpected \(token.quoted) in operand")
            }
            break
        }
        guard !command.arguments.isEmpty else { throw error("empty command") }
        return command
    }

    private mutating func operand() throws(TemplateParseError) -> TemplateOperand? {
        guard let term = try term() else { return nil }
        guard peek.kind == .field else { return term }
        let position = peek.position
        var path: [String] = []
        while peek.kind == .field { path.append(String(next().text.dropFirst())) }
        switch term {
        case .field(let base, let position): return .field(base + path, position: position)
        case .variable(let name, let base, let position): return .variable(name, path: base + path, position: position)
        case .bool, .string, .number, .null, .dot:
            throw error("unexpected . after term \(GoQuote.quote(term.description))")
        default: return .chain(term, path: path, position: position)
        }
    }

    private mutating func term() throws(TemplateParseError) -> TemplateOperand? {
        let token = nextNonSpace()
        switch token.kind {
        case .identifier:
            guard functions.contains(token.text) else { throw error("function \(GoQuote.quote(token.text)) not defined") }
            return .identifier(token.text, position: token.position)
        case .dot: return .dot(position: token.position)
        case .null: return .null(position: token.position)
        case .variable:
            guard variables.contains(token.text) else { throw error("undefined variable \(GoQuote.quote(token.text))") }
            return .variable(token.text, path: [], position: token.position)
        case .field: return .field([String(token.text.dropFirst())], position: token.position)
        case .bool: return .bool(token.text == "true", position: token.position)
        case .number, .charConstant:
            guard let number = Self.number(token) else { throw error("illegal number syntax: \(GoQuote.quote(token.text))") }
            return .number(number, position: token.position)
        case .leftParen:
            depth += 1
            defer { depth -= 1 }
            guard depth <= Self.maximumDepth else { throw error("template nested too deeply") }
            return .pipeline(try pipeline(context: "parenthesized pipeline", end: .rightParen))
        case .string, .rawString:
            guard let text = Self.unquote(token.text) else { throw error("invalid syntax") }
            return .string(text, source: token.text, position: token.position)
        default:
            backup()
            return nil
        }
    }
}
