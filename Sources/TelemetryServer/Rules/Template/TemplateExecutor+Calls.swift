import PromQL

/// Function calls, argument checking and field access, as Go's `text/template` does them.
extension TemplateExecutor {
    /// The functions that depend on where the template runs, by their parameters.
    static let environmentFunctions: [String: [TemplateFunction.Parameter]] = [
        "query": [.string], "externalURL": [], "pathPrefix": [],
    ]

    /// Runs a function of the environment (`query`, `externalURL`, `pathPrefix`).
    private func callEnvironment(_ name: String, _ values: [TemplateValue]) throws(TemplateFunction.Failure) -> TemplateValue {
        switch name {
        case "query":
            guard case .string(let text) = values[0] else { return .samples([]) }
            return .samples(try environment.query(text))
        case "externalURL": return .string(environment.externalURL)
        default: return .string(Self.path(of: environment.externalURL))
        }
    }

    private func function(_ name: String) -> TemplateFunction? {
        if let parameters = Self.environmentFunctions[name] { return TemplateFunction(parameters) { _ in .missing } }
        return TemplateBuiltins.functions[name] ?? TemplateFunctions.functions[name]
    }

    /// The path of a URL (`http://host:9090/prometheus` → `/prometheus`).
    static func path(of url: String) -> String {
        guard let scheme = url.range(of: "://") else { return url }
        let rest = url[scheme.upperBound...]
        guard let slash = rest.firstIndex(of: "/") else { return "" }
        return String(rest[slash...].prefix { $0 != "?" && $0 != "#" })
    }

    /// Calls `name`; `command` is where a failing call is reported (Go reports it at the whole
    /// command, `gt $value 1`, and argument errors at the argument).
    mutating func call(
        _ dot: TemplateValue, _ node: TemplateOperand, _ name: String, _ arguments: [TemplateOperand], final: TemplateValue?,
        command: (position: Int, description: String)? = nil
    ) throws(Failure) -> TemplateValue {
        at(node)
        guard let function = function(name) else { throw fail("\(GoQuote.quote(name)) is not a defined function") }
        let count = arguments.count + (final == nil ? 0 : 1)
        if function.variadic != nil {
            guard count >= function.parameters.count else {
                throw fail("wrong number of args for \(name): want at least \(function.parameters.count) got \(arguments.count)")
            }
        } else if count != function.parameters.count {
            throw fail("wrong number of args for \(name): want \(function.parameters.count) got \(count)")
        }
        func parameter(_ index: Int) -> TemplateFunction.Parameter {
            index < function.parameters.count ? function.parameters[index] : function.variadic ?? .any
        }
        if name == "and" || name == "or" {
            // Evaluated lazily: the first argument that decides the result is returned.
            var value = TemplateValue.missing
            for argument in arguments {
                value = try self.argument(dot, .value, argument)
                if value.isTrue == (name == "or") { return value }
            }
            if let final { value = final }
            return value
        }
        var values: [TemplateValue] = []
        for (index, argument) in arguments.enumerated() {
            values.append(try self.argument(dot, parameter(index), argument))
        }
        if let final { values.append(try validate(final, parameter(count - 1))) }
        if let command {
            position = command.position
            context = command.description
        } else {
            at(node)
        }
        do {
            return Self.environmentFunctions[name] != nil ? try callEnvironment(name, values) : try function.body(values)
        } catch {
            throw fail("error calling \(name): \(error.message)")
        }
    }

    /// An argument checked against the parameter's Go type.
    mutating func argument(_ dot: TemplateValue, _ parameter: TemplateFunction.Parameter, _ operand: TemplateOperand) throws(Failure) -> TemplateValue {
        at(operand)
        switch operand {
        case .dot:
            return try validate(dot, parameter)
        case .null:
            guard let zero = parameter.zero else { throw fail("cannot assign nil to \(parameter.goType)") }
            return zero
        case .field(let path, _):
            return try validate(try fieldChain(dot, receiver: dot, path, hasArguments: false), parameter)
        case .variable(let name, let path, _):
            let value = variable(name)
            return try validate(path.isEmpty ? value : try fieldChain(dot, receiver: value, path, hasArguments: false), parameter)
        case .pipeline(let pipeline):
            return try validate(try evaluate(dot, pipeline), parameter)
        case .identifier(let name, _):
            return try validate(try call(dot, operand, name, [], final: nil), parameter)
        case .chain(let node, let path, _):
            let receiver = try argument(dot, .value, node)
            at(operand)
            return try validate(try fieldChain(dot, receiver: receiver, path, hasArguments: false), parameter)
        case .bool, .number, .string:
            switch (parameter, operand) {
            case (.any, _), (.value, _): return try literal(operand, dot: dot)
            case (.string, .string(let text, _, _)): return .string(text)
            case (.float, .number(let number, _)) where number.float != nil: return .float(number.float ?? 0)
            case (.string, _): throw fail("expected string; found \(operand.description)")
            case (.float, _): throw fail("expected float; found \(operand.description)")
            default: throw fail("can't handle \(operand.description) for arg of type \(parameter.goType)")
            }
        }
    }

    /// Go's `validateType`: a missing value becomes the parameter's zero value where it has one.
    func validate(_ value: TemplateValue, _ parameter: TemplateFunction.Parameter) throws(Failure) -> TemplateValue {
        switch value {
        case .missing, .null:
            if case .value = parameter { return value }
            guard let zero = parameter.zero else { throw fail("invalid value; expected \(parameter.goType)") }
            return zero
        default:
            guard parameter.accepts(value) else {
                throw fail("wrong type for value; expected \(parameter.goType); got \(value.goType)")
            }
            return value
        }
    }

    mutating func fieldChain(_ dot: TemplateValue, receiver: TemplateValue, _ path: [String], hasArguments: Bool) throws(Failure) -> TemplateValue {
        var value = receiver
        for (index, name) in path.enumerated() {
            value = try field(name, of: value, hasArguments: hasArguments && index == path.count - 1)
        }
        return value
    }

    private func field(_ name: String, of receiver: TemplateValue, hasArguments: Bool) throws(Failure) -> TemplateValue {
        switch receiver {
        case .missing, .null:
            return .missing
        case .labels(let map):
            if hasArguments { throw fail("\(name) is not a method but has arguments") }
            // Prometheus runs templates with missingkey=zero: a missing label is "".
            return .string(map[name] ?? "")
        case .arguments(let map):
            if hasArguments { throw fail("\(name) is not a method but has arguments") }
            return map[name] ?? .missing
        case .data(let data):
            let value: TemplateValue
            switch name {
            case "Labels": value = .labels(data.labels)
            case "ExternalLabels": value = .labels(data.externalLabels)
            case "ExternalURL": value = .string(data.externalURL)
            case "Value": value = .float(data.value)
            default: throw fail("can't evaluate field \(name) in type \(TemplateValue.dataType)")
            }
            if hasArguments { throw fail("\(name) has arguments but cannot be invoked as function") }
            return value
        case .sample(let sample):
            guard name == "Labels" || name == "Value" else { throw fail("can't evaluate field \(name) in type *template.sample") }
            guard let sample else { throw fail("nil pointer evaluating *template.sample.\(name)") }
            if hasArguments { throw fail("\(name) has arguments but cannot be invoked as function") }
            return name == "Labels" ? .labels(sample.labels) : .float(sample.value)
        default:
            throw fail("can't evaluate field \(name) in type \(receiver.goType)")
        }
    }
}
