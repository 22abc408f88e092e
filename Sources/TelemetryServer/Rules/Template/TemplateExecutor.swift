import PromQL

/// What a template can reach outside its data: Prometheus's `query`, `externalURL` and
/// `pathPrefix` functions.
struct TemplateEnvironment {
    var externalURL = ""
    /// Runs an instant query at the evaluation time; the failure's message is the query's error.
    var query: (String) throws(TemplateFunction.Failure) -> [TemplateSample] = { _ throws(TemplateFunction.Failure) in [] }
}

/// Runs a parsed template as Go's `text/template` executes one: pipelines pass their value as
/// the last argument of the next command, arguments are checked against each function's Go
/// signature, variables are scoped to their block, and errors name the node they happened at.
struct TemplateExecutor {
    /// An execution error, placed at a node (byte offset and Go's text of the node).
    struct Failure: Error {
        var position: Int
        var context: String
        var message: String
    }

    /// Output past this size ends the expansion with an error, so a template ranging over a huge
    /// query result cannot exhaust memory.
    static let maximumOutput = 1 << 20

    /// The names a template may call.
    static let functionNames = Set(TemplateBuiltins.functions.keys).union(TemplateFunctions.functions.keys)
        .union(environmentFunctions.keys)

    private enum Flow { case next, breakLoop, continueLoop }

    let environment: TemplateEnvironment
    var variables: [(name: String, value: TemplateValue)]
    var output = ""
    var position = 0
    var context = ""

    /// Runs `nodes` with `data` as dot and `$`; returns the text or the first error.
    static func execute(_ nodes: [TemplateNode], data: TemplateValue, environment: TemplateEnvironment) throws(Failure) -> String {
        var executor = TemplateExecutor(environment: environment, variables: [("$", data)])
        _ = try executor.walk(data, nodes)
        return executor.output
    }

    private init(environment: TemplateEnvironment, variables: [(name: String, value: TemplateValue)]) {
        self.environment = environment
        self.variables = variables
    }

    mutating func at(_ operand: TemplateOperand) {
        position = operand.position
        context = operand.description
    }

    func fail(_ message: String) -> Failure {
        Failure(position: position, context: context, message: message)
    }

    private mutating func write(_ text: String) throws(Failure) {
        output += text
        guard output.utf8.count <= Self.maximumOutput else { throw fail("template output exceeds \(Self.maximumOutput) bytes") }
    }

    private mutating func walk(_ dot: TemplateValue, _ nodes: [TemplateNode]) throws(Failure) -> Flow {
        for node in nodes {
            switch node {
            case .text(let text):
                try write(text)
            case .action(let pipeline):
                let value = try evaluate(dot, pipeline)
                if pipeline.declarations.isEmpty {
                    position = pipeline.position
                    context = pipeline.description
                    try write(value.printed)
                }
            case .ifBlock(let branch), .withBlock(let branch):
                let mark = variables.count
                defer { variables.removeLast(variables.count - mark) }
                let value = try evaluate(dot, branch.pipeline)
                let isWith = if case .withBlock = node { true } else { false }
                let flow: Flow
                if value.isTrue {
                    flow = try walk(isWith ? value : dot, branch.list)
                } else if let elseList = branch.elseList {
                    flow = try walk(dot, elseList)
                } else {
                    flow = .next
                }
                if flow != .next { return flow }
            case .rangeBlock(let branch):
                try range(dot, branch)
            case .breakLoop:
                return .breakLoop
            case .continueLoop:
                return .continueLoop
            case .templateCall(let name, let at):
                position = at
                context = "{{template \(GoQuote.quote(name))}}"
                throw fail("template \(GoQuote.quote(name)) not defined")
            }
        }
        return .next
    }

    private mutating func range(_ dot: TemplateValue, _ branch: TemplateBranch) throws(Failure) {
        let mark = variables.count
        defer { variables.removeLast(variables.count - mark) }
        let value = try evaluate(dot, branch.pipeline)
        let elements: [(index: TemplateValue, element: TemplateValue)]
        switch value {
        case .samples(let samples): elements = samples.enumerated().map { (.int($0.offset), .sample($0.element)) }
        case .labels(let map): elements = map.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }.map { (.string($0.key), .string($0.value)) }
        case .arguments(let map): elements = map.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }.map { (.string($0.key), $0.value) }
        case .missing, .null: elements = []
        default:
            // Reported at the last node the pipeline evaluated, as Go does.
            throw fail("range can't iterate over \(value.formatted(top: true))")
        }
        let declared = branch.pipeline.declarations.count
        let iterationMark = variables.count
        for (index, element) in elements {
            if declared > 0 { variables[variables.count - 1].value = element }
            if declared > 1 { variables[variables.count - 2].value = index }
            let flow = try walk(element, branch.list)
            variables.removeLast(variables.count - iterationMark)
            if flow == .breakLoop { break }
        }
        if elements.isEmpty, let elseList = branch.elseList {
            _ = try walk(dot, elseList)
        }
    }

    /// A pipeline's value; declared variables are pushed (or, with `=`, assigned).
    mutating func evaluate(_ dot: TemplateValue, _ pipeline: TemplatePipeline) throws(Failure) -> TemplateValue {
        var value: TemplateValue?
        for command in pipeline.commands { value = try evaluate(dot, command, final: value) }
        let result = value ?? .missing
        for name in pipeline.declarations {
            if pipeline.isAssign, let index = variables.lastIndex(where: { $0.name == name }) {
                variables[index].value = result
            } else {
                variables.append((name, result))
            }
        }
        return result
    }

    private mutating func evaluate(_ dot: TemplateValue, _ command: TemplateCommand, final: TemplateValue?) throws(Failure) -> TemplateValue {
        let first = command.arguments[0]
        switch first {
        case .field(let path, _):
            at(first)
            return try fieldChain(dot, receiver: dot, path, hasArguments: command.arguments.count > 1 || final != nil)
        case .chain(let node, let path, _):
            at(first)
            let receiver = try argument(dot, .value, node)
            at(first)
            return try fieldChain(dot, receiver: receiver, path, hasArguments: command.arguments.count > 1 || final != nil)
        case .identifier(let name, _):
            return try call(
                dot, first, name, Array(command.arguments.dropFirst()), final: final,
                command: (command.position, command.description))
        case .pipeline(let pipeline):
            try notAFunction(command.arguments, final)
            return try evaluate(dot, pipeline)
        case .variable(let name, let path, _):
            at(first)
            let value = variable(name)
            if path.isEmpty {
                try notAFunction(command.arguments, final)
                return value
            }
            return try fieldChain(dot, receiver: value, path, hasArguments: command.arguments.count > 1 || final != nil)
        case .dot, .bool, .number, .string, .null:
            at(first)
            try notAFunction(command.arguments, final)
            if case .null = first { throw fail("nil is not a command") }
            return try literal(first, dot: dot)
        }
    }

    private func notAFunction(_ arguments: [TemplateOperand], _ final: TemplateValue?) throws(Failure) {
        if arguments.count > 1 || final != nil {
            throw fail("can't give argument to non-function \(arguments[0].description)")
        }
    }

    func variable(_ name: String) -> TemplateValue {
        variables.last { $0.name == name }?.value ?? .missing
    }

    /// A literal's value where any type is accepted (Go's untyped constants: `1` is an int,
    /// `1.0` a float64).
    func literal(_ operand: TemplateOperand, dot: TemplateValue) throws(Failure) -> TemplateValue {
        switch operand {
        case .dot: return dot
        case .bool(let value, _): return .bool(value)
        case .string(let text, _, _): return .string(text)
        case .number(let number, _):
            if number.looksFloat, let float = number.float { return .float(float) }
            if let int = number.int { return .int(int) }
            // Go: an unsigned constant past Int overflows; a larger integer has no value.
            if UInt64(number.text.replacingOccurrences(of: "_", with: "")) != nil { throw fail("\(number.text) overflows int") }
            return .missing
        default: return .missing
        }
    }
}
