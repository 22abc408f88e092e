import PromQL
import Yams

/// Reads a rule file the way Prometheus's `rulefmt` does, in two passes: first the shape
/// (unknown fields and wrong types, reported together as `yaml: unmarshal errors:` with their
/// lines; a bad duration stops it), then the meaning of each group and rule (reported with the
/// line and column of the field at fault). Messages are promtool's, word for word.
struct RuleFileParser {
    private(set) var problems: [String] = []
    private var shapeErrors: [String] = []

    private struct Located {
        var text: String
        var position: RuleFilePosition
    }

    private struct RawRule {
        var record: Located?
        var alert: Located?
        var expr: Located?
        var holdFor = PromDuration(milliseconds: 0)
        var keepFiringFor = PromDuration(milliseconds: 0)
        var labels: [(String, String)] = []
        var annotations: [(String, String)] = []
    }

    private struct RawGroup {
        var name: Located?
        var position: RuleFilePosition
        var interval: PromDuration?
        var limit = 0
        var queryOffset: PromDuration?
        var labels: [(String, String)] = []
        var rules: [RawRule] = []
    }

    /// A duration that does not parse: rulefmt stops at the first.
    private struct BadDuration: Error {
        let text: String
    }

    mutating func parse(_ text: String) -> [RuleGroupDefinition] {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            let message = Self.describe(error)
            problems = [message, message]
            return []
        } catch {
            problems = ["yaml: \(error)"]
            return []
        }
        let groups: [RawGroup]
        do {
            groups = try readGroups(root)
        } catch {
            problems = ["not a valid duration string: \"\(error.text)\""]
            return []
        }
        guard shapeErrors.isEmpty else {
            problems = shapeErrors
            return []
        }
        return validate(groups)
    }

    // MARK: Shape

    private mutating func readGroups(_ root: Node?) throws(BadDuration) -> [RawGroup] {
        guard let root, let mapping = root.mapping else { return [] }
        var unmarshal: [String] = []
        var groups: [RawGroup] = []
        for (key, value) in mapping {
            guard key.string == "groups" else {
                unmarshal.append("line \(Self.line(key)): field \(key.string ?? "?") not found in type rulefmt.RuleGroups")
                continue
            }
            guard case .sequence(let sequence) = value else {
                if !Self.isNull(value) {
                    // rulefmt reads the file twice; each pass reports its own type.
                    shapeErrors += [
                        "yaml: unmarshal errors:\n  line \(Self.line(value)): cannot unmarshal \(Self.tag(value)) into []rulefmt.RuleGroup",
                        "yaml: unmarshal errors:\n  line \(Self.line(value)): cannot unmarshal \(Self.tag(value)) into []yaml.Node",
                    ]
                }
                continue
            }
            for item in sequence { groups.append(try readGroup(item, &unmarshal)) }
        }
        if !unmarshal.isEmpty { shapeErrors.insert("yaml: unmarshal errors:\n  " + unmarshal.joined(separator: "\n  "), at: 0) }
        return groups
    }

    private func readGroup(_ node: Node, _ unmarshal: inout [String]) throws(BadDuration) -> RawGroup {
        var group = RawGroup(position: Self.position(node))
        guard let mapping = node.mapping else {
            unmarshal.append("line \(Self.line(node)): cannot unmarshal \(Self.tag(node)) into rulefmt.RuleGroup")
            return group
        }
        for (key, value) in mapping {
            switch key.string ?? "" {
            case "name": group.name = Located(text: value.string ?? "", position: Self.position(value))
            case "interval": group.interval = try Self.duration(value)
            case "query_offset": group.queryOffset = try Self.duration(value)
            case "limit":
                if let limit = Int(value.string ?? "") { group.limit = limit } else {
                    unmarshal.append("line \(Self.line(value)): cannot unmarshal \(Self.tag(value)) into int")
                }
            case "labels": group.labels = Self.pairs(value, into: "map[string]string", &unmarshal)
            case "rules":
                guard case .sequence(let rules) = value else {
                    if !Self.isNull(value) {
                        unmarshal.append("line \(Self.line(value)): cannot unmarshal \(Self.tag(value)) into []rulefmt.RuleNode")
                    }
                    continue
                }
                for rule in rules { group.rules.append(try readRule(rule, &unmarshal)) }
            default:
                unmarshal.append("line \(Self.line(key)): field \(key.string ?? "?") not found in type rulefmt.RuleGroup")
            }
        }
        return group
    }

    private func readRule(_ node: Node, _ unmarshal: inout [String]) throws(BadDuration) -> RawRule {
        var rule = RawRule()
        guard let mapping = node.mapping else {
            unmarshal.append("line \(Self.line(node)): cannot unmarshal \(Self.tag(node)) into rulefmt.RuleNode")
            return rule
        }
        for (key, value) in mapping {
            switch key.string ?? "" {
            case "record": rule.record = Located(text: value.string ?? "", position: Self.position(value))
            case "alert": rule.alert = Located(text: value.string ?? "", position: Self.position(value))
            case "expr": rule.expr = Located(text: value.string ?? "", position: Self.position(value))
            case "for": rule.holdFor = try Self.duration(value) ?? rule.holdFor
            case "keep_firing_for": rule.keepFiringFor = try Self.duration(value) ?? rule.keepFiringFor
            case "labels": rule.labels = Self.pairs(value, into: "map[string]string", &unmarshal)
            case "annotations": rule.annotations = Self.pairs(value, into: "map[string]string", &unmarshal)
            default:
                unmarshal.append("line \(Self.line(key)): field \(key.string ?? "?") not found in type rulefmt.RuleNode")
            }
        }
        return rule
    }

    // MARK: Meaning

    private mutating func validate(_ raw: [RawGroup]) -> [RuleGroupDefinition] {
        var seen = Set<String>()
        var groups: [RuleGroupDefinition] = []
        for group in raw {
            let name = group.name?.text ?? ""
            if name.isEmpty {
                problems.append("\(group.position): Groupname must not be empty")
            } else if !seen.insert(name).inserted {
                problems.append("\(group.position): groupname: \"\(name)\" is repeated in the same file")
            }
            var rules: [RuleDefinition] = []
            for (index, rule) in group.rules.enumerated() {
                // rulefmt names a rule by its alert when it has one, else by its record.
                let ruleName = rule.alert.map(\.text).flatMap { $0.isEmpty ? nil : $0 } ?? rule.record?.text ?? ""
                let prefix = "group \(GoQuote.quote(name)), rule \(index + 1), \(GoQuote.quote(ruleName)): "
                if let definition = validate(rule, prefix) { rules.append(definition) }
            }
            groups.append(
                RuleGroupDefinition(
                    name: name, interval: group.interval, limit: group.limit, queryOffset: group.queryOffset,
                    labels: Dictionary(group.labels, uniquingKeysWith: { _, last in last }), rules: rules))
        }
        return groups
    }

    /// Checks one rule in rulefmt's order; returns it when it is valid.
    private mutating func validate(_ rule: RawRule, _ prefix: String) -> RuleDefinition? {
        let before = problems.count
        let record = rule.record?.text ?? "", alert = rule.alert?.text ?? ""
        let recordAt = rule.record?.position ?? .absent
        if !record.isEmpty, !alert.isEmpty {
            problems.append("\(recordAt): \(rule.alert?.position ?? .absent): \(prefix)only one of 'record' and 'alert' must be set")
        }
        if record.isEmpty, alert.isEmpty {
            problems.append("\(recordAt): \(prefix)one of 'record' or 'alert' must be set")
        }
        var parsed: Expr?
        let exprText = rule.expr?.text ?? ""
        let exprAt = rule.expr?.position ?? .absent
        if exprText.isEmpty {
            problems.append("\(exprAt): \(prefix)field 'expr' must be set in rule")
        } else {
            do {
                parsed = try Parser.parse(exprText)
            } catch {
                problems.append("\(exprAt): \(prefix)could not parse expression: \(error.formatted(in: exprText))")
            }
        }
        if !record.isEmpty {
            if !rule.annotations.isEmpty { problems.append("\(recordAt): \(prefix)invalid field 'annotations' in recording rule") }
            if rule.holdFor.milliseconds != 0 { problems.append("\(recordAt): \(prefix)invalid field 'for' in recording rule") }
            if rule.keepFiringFor.milliseconds != 0 {
                problems.append("\(recordAt): \(prefix)invalid field 'keep_firing_for' in recording rule")
            }
            if !Self.isValidMetricName(record) { problems.append("\(recordAt): \(prefix)invalid recording rule name: \(record)") }
        }
        for (name, _) in rule.labels where !Labels.isValidName(name) || name == Labels.metricName {
            problems.append("\(prefix)invalid label name: \(name)")
        }
        for (name, _) in rule.annotations where !Labels.isValidName(name) {
            problems.append("\(prefix)invalid annotation name: \(name)")
        }
        if !alert.isEmpty {
            // As rulefmt, templates are parsed at load so a broken one is reported with its rule.
            for (kind, pairs) in [("label", rule.labels), ("annotation", rule.annotations)] {
                for (name, text) in pairs.sorted(by: { $0.0 < $1.0 }) {
                    if let problem = RuleTemplate.parseProblem(text, name: "__alert_\(alert)") {
                        problems.append("\(prefix)\(kind) \(GoQuote.quote(name)): \(problem)")
                    }
                }
            }
        }
        guard problems.count == before, let parsed else { return nil }
        return RuleDefinition(
            kind: record.isEmpty ? .alerting(name: alert) : .recording(name: record), exprText: exprText, expr: parsed,
            holdFor: rule.holdFor, keepFiringFor: rule.keepFiringFor,
            labels: Dictionary(rule.labels, uniquingKeysWith: { _, last in last }),
            annotations: Dictionary(rule.annotations, uniquingKeysWith: { _, last in last }))
    }

    // MARK: Helpers

    /// `[a-zA-Z_:][a-zA-Z0-9_:]*`.
    static func isValidMetricName(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")) else { return false }
        return name.utf8.allSatisfy { byte in
            byte == UInt8(ascii: ":") || byte == UInt8(ascii: "_") || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z"))
        }
    }

    private static func pairs(_ node: Node, into type: String, _ unmarshal: inout [String]) -> [(String, String)] {
        guard let mapping = node.mapping else {
            if !isNull(node) { unmarshal.append("line \(line(node)): cannot unmarshal \(tag(node)) into \(type)") }
            return []
        }
        return mapping.map { ($0.key.string ?? "", $0.value.string ?? "") }
    }

    private static func duration(_ node: Node) throws(BadDuration) -> PromDuration? {
        guard let text = node.string, !text.isEmpty else { return nil }
        guard let duration = PromDuration(text) else { throw BadDuration(text: text) }
        return duration
    }

    private static func position(_ node: Node) -> RuleFilePosition {
        RuleFilePosition(line: node.mark?.line ?? 0, column: node.mark?.column ?? 0)
    }

    private static func line(_ node: Node) -> Int { node.mark?.line ?? 0 }

    private static func isNull(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node else { return false }
        return scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// The YAML tag Go's decoder names in a type error: `!!map`, `!!seq`, or a scalar's tag
    /// with its text.
    private static func tag(_ node: Node) -> String {
        switch node {
        case .mapping: return "!!map"
        case .sequence: return "!!seq"
        case .alias: return "!!str"
        case .scalar(let scalar):
            let text = scalar.string
            var kind = "!!str"
            if scalar.style == .plain {
                if Int(text) != nil { kind = "!!int" } else if Double(text) != nil { kind = "!!float" } else if [
                    "true", "false", "True", "False", "TRUE", "FALSE",
                ].contains(text) { kind = "!!bool" }
            }
            return "\(kind) `\(text)`"
        }
    }

    private static func describe(_ error: YamlError) -> String {
        // Go's decoder (a port of libyaml) names the line of the construct being read: for a
        // scanner error 1-based, for a parser error its 0-based number, as it prints them.
        switch error {
        case .scanner(let context, let problem, let mark, _):
            return "yaml: line \(context?.mark.line ?? mark.line): \(problem)"
        case .parser(let context, let problem, let mark, _), .composer(let context, let problem, let mark, _):
            return "yaml: line \((context?.mark.line ?? mark.line) - 1): \(problem)"
        default:
            return "yaml: \(error)"
        }
    }
}
