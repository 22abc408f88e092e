/// A label set: name/value pairs sorted by name, names unique, as Prometheus keeps them.
public struct Labels: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The pairs, sorted by name.
    public private(set) var pairs: [(name: String, value: String)]

    /// The metric name label.
    public static let metricName = "__name__"

    /// Whether `name` is a valid label name (`[a-zA-Z_][a-zA-Z0-9_]*`).
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.utf8.first, Lexer.isIdentifierStart(first) else { return false }
        return name.utf8.allSatisfy(Lexer.isIdentifierByte)
    }

    /// Creates a label set from pairs in any order; a later duplicate name wins; empty values
    /// are dropped (Prometheus treats an empty label as absent).
    public init(_ pairs: [(String, String)]) {
        var byName: [String: String] = [:]
        for (name, value) in pairs { byName[name] = value }
        self.pairs = byName.filter { !$0.value.isEmpty }.map { (name: $0.key, value: $0.value) }.sorted { $0.name < $1.name }
    }

    /// Creates a label set from a dictionary.
    public init(_ dictionary: [String: String]) {
        self.init(dictionary.map { ($0.key, $0.value) })
    }

    /// The value of `name`, or "" when absent.
    public subscript(name: String) -> String {
        pairs.first { $0.name == name }?.value ?? ""
    }

    /// The set without `__name__`.
    public var droppingMetricName: Labels {
        // Called for every element of every step of a range query: no set, one removal.
        guard let index = pairs.firstIndex(where: { $0.name == Labels.metricName }) else { return self }
        var copy = self
        copy.pairs.remove(at: index)
        return copy
    }

    /// The set without the labels named in `names`.
    public func removing(_ names: some Sequence<String>) -> Labels {
        removing(Set(names))
    }

    /// The set without the labels named in `drop` (no set built per call: aggregations call
    /// this for every element of every step).
    public func removing(_ drop: Set<String>) -> Labels {
        var copy = Labels(sorted: [])
        copy.pairs.reserveCapacity(pairs.count)
        for pair in pairs where !drop.contains(pair.name) { copy.pairs.append(pair) }
        return copy
    }

    /// Only the labels named in `keep`.
    public func keeping(_ keep: Set<String>) -> Labels {
        var copy = Labels(sorted: [])
        for pair in pairs where keep.contains(pair.name) { copy.pairs.append(pair) }
        return copy
    }

    /// Pairs already sorted by name, names unique, values non-empty.
    init(sorted pairs: [(name: String, value: String)]) {
        self.pairs = pairs
    }

    /// A label set from pairs that may already be in order (as remote-write senders send
    /// them): kept as they are when names strictly ascend, else sorted. Empty values are
    /// dropped. Returns nil when a name appears twice.
    public static func unique(_ pairs: [(name: String, value: String)]) -> Labels? {
        var ascending = true
        for index in pairs.indices.dropFirst() where !(pairs[index - 1].name < pairs[index].name) {
            ascending = false
            break
        }
        if ascending {
            return Labels(sorted: pairs.contains { $0.value.isEmpty } ? pairs.filter { !$0.value.isEmpty } : pairs)
        }
        let sorted = pairs.sorted { $0.name < $1.name }
        for index in sorted.indices.dropFirst() where sorted[index - 1].name == sorted[index].name { return nil }
        return Labels(sorted: sorted.filter { !$0.value.isEmpty })
    }

    /// Only the labels named in `names`.
    public func keeping(_ names: some Sequence<String>) -> Labels {
        keeping(Set(names))
    }

    /// The set with `name` set to `value` (removed when `value` is empty).
    public func setting(_ name: String, _ value: String) -> Labels {
        Labels(pairs.map { ($0.name, $0.value) } + [(name, value)])
    }

    public static func == (lhs: Labels, rhs: Labels) -> Bool {
        lhs.pairs.count == rhs.pairs.count && zip(lhs.pairs, rhs.pairs).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for pair in pairs {
            hasher.combine(pair.name)
            hasher.combine(pair.value)
        }
    }

    /// Prometheus's order: pair by pair, name then value; a prefix sorts first.
    public static func < (lhs: Labels, rhs: Labels) -> Bool {
        for (left, right) in zip(lhs.pairs, rhs.pairs) {
            if left.name != right.name { return left.name < right.name }
            if left.value != right.value { return left.value < right.value }
        }
        return lhs.pairs.count < rhs.pairs.count
    }

    /// `{a="1", b="2"}`.
    public var description: String {
        "{" + pairs.map { "\($0.name)=\(GoQuote.quote($0.value))" }.joined(separator: ", ") + "}"
    }
}
