import PromQL

/// A position in a rule file (1-based line and column), or 0:0 for a field that is absent,
/// as promtool reports it.
public struct RuleFilePosition: Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public static let absent = RuleFilePosition(line: 0, column: 0)

    public var description: String { "\(line):\(column)" }
}

/// One rule as written in a rule file: recording (`record`) or alerting (`alert`).
public struct RuleDefinition: Sendable {
    /// What the rule produces.
    public enum Kind: Sendable, Equatable {
        case recording(name: String)
        case alerting(name: String)
    }

    public var kind: Kind
    /// The expression as written, and parsed.
    public var exprText: String
    public var expr: Expr
    /// How long a condition must hold before an alert fires (alerting rules).
    public var holdFor: PromDuration
    /// How long an alert keeps firing after its condition cleared (alerting rules).
    public var keepFiringFor: PromDuration
    public var labels: [String: String]
    public var annotations: [String: String]

    /// The rule's name: the recorded metric or the alert.
    public var name: String {
        switch kind {
        case .recording(let name), .alerting(let name): return name
        }
    }
}

/// One group of rules: evaluated together, in order, on one schedule.
public struct RuleGroupDefinition: Sendable {
    /// Everything that defines the group, as text: two loads of an unchanged group give the
    /// same fingerprint, so a reload keeps its alerts.
    public var fingerprint: String {
        var parts = [name, interval?.description ?? "", String(limit), queryOffset?.description ?? "",
            labels.sorted { $0.key < $1.key }.description]
        for rule in rules {
            parts += [rule.name, String(describing: rule.kind), rule.exprText, rule.holdFor.description,
                rule.keepFiringFor.description, rule.labels.sorted { $0.key < $1.key }.description,
                rule.annotations.sorted { $0.key < $1.key }.description]
        }
        return parts.joined(separator: "\u{0}")
    }

    public var name: String
    /// The group's interval; nil for the global evaluation interval.
    public var interval: PromDuration?
    /// Most series (recording) or alerts (alerting) a rule may produce; 0 for no limit.
    public var limit: Int
    /// How far back the group evaluates (`query_offset`).
    public var queryOffset: PromDuration?
    /// Labels added to every rule's output.
    public var labels: [String: String]
    public var rules: [RuleDefinition]
}

/// A rule file: its groups, or every problem found in it, each message as
/// `promtool check rules` words it (without the leading `file: `).
public struct RuleFile: Sendable {
    public var path: String
    public var groups: [RuleGroupDefinition]

    /// Rules in all groups.
    public var ruleCount: Int { groups.reduce(0) { $0 + $1.rules.count } }

    /// Why a rule file cannot be used: every problem, in promtool's words.
    public struct Invalid: Error, CustomStringConvertible {
        public let path: String
        public let problems: [String]

        /// The problems, each prefixed with the file, one per line.
        public var description: String { problems.map { "\(path): \($0)" }.joined(separator: "\n") }
    }

    /// Reads and checks `path`.
    public static func load(_ path: String) throws(Invalid) -> RuleFile {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw Invalid(path: path, problems: ["open \(path): \(error.localizedDescription)"])
        }
        return try parse(text, path: path)
    }

    /// Checks rule-file `text`; `path` names it in errors.
    public static func parse(_ text: String, path: String) throws(Invalid) -> RuleFile {
        var parser = RuleFileParser()
        let groups = parser.parse(text)
        guard parser.problems.isEmpty else { throw Invalid(path: path, problems: parser.problems) }
        return RuleFile(path: path, groups: groups)
    }
}
