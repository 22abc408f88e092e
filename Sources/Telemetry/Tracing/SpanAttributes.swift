/// An ordered set of attributes with unique keys, as spans, events, links and resources carry.
///
/// Setting a key that exists replaces its value in place; a new key goes at the end. Lookups
/// scan linearly, which for the handful of attributes a span carries is faster than hashing.
public struct SpanAttributes: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    /// One attribute.
    public typealias Element = (key: String, value: AttributeValue)

    private var keys: [String]
    private var values: [AttributeValue]

    /// No attributes.
    public init() {
        keys = []
        values = []
    }

    /// Attributes in the given order; a repeated key keeps its last value.
    public init(dictionaryLiteral elements: (String, AttributeValue)...) {
        self.init()
        keys.reserveCapacity(elements.count)
        values.reserveCapacity(elements.count)
        for (key, value) in elements { self[key] = value }
    }

    /// Attributes in the given order; a repeated key keeps its last value.
    public init(_ elements: some Sequence<(String, AttributeValue)>) {
        self.init()
        for (key, value) in elements { self[key] = value }
    }

    /// The number of attributes.
    public var count: Int { keys.count }

    /// Whether there are none.
    public var isEmpty: Bool { keys.isEmpty }

    /// The value for `key`; setting nil removes it.
    public subscript(key: String) -> AttributeValue? {
        get {
            guard let index = keys.firstIndex(of: key) else { return nil }
            return values[index]
        }
        set {
            if let index = keys.firstIndex(of: key) {
                if let newValue {
                    values[index] = newValue
                } else {
                    keys.remove(at: index)
                    values.remove(at: index)
                }
            } else if let newValue {
                keys.append(key)
                values.append(newValue)
            }
        }
    }

    /// Sets `key` unless that would take the count past `limits.count`; returns false when the
    /// attribute was dropped. Strings are cut to `limits.valueLength`.
    @discardableResult
    mutating func set(_ key: String, _ value: AttributeValue, limits: AttributeLimits) -> Bool {
        let stored = limits.valueLength.map { value.truncated(to: $0) } ?? value
        if let index = keys.firstIndex(of: key) {
            values[index] = stored
            return true
        }
        guard keys.count < limits.count else { return false }
        if keys.capacity == 0 {
            // One allocation for the usual handful of attributes instead of regrowing 1, 2, 4.
            keys.reserveCapacity(8)
            values.reserveCapacity(8)
        }
        keys.append(key)
        values.append(stored)
        return true
    }

    /// These attributes under `limits`, and how many were dropped to respect them.
    func limited(by limits: AttributeLimits) -> (attributes: SpanAttributes, dropped: Int) {
        guard keys.count > limits.count || limits.valueLength != nil else { return (self, 0) }
        var result = SpanAttributes()
        var dropped = 0
        for (key, value) in self where !result.set(key, value, limits: limits) { dropped += 1 }
        return (result, dropped)
    }

    public func makeIterator() -> some IteratorProtocol<Element> {
        zip(keys, values).lazy.map { (key: $0, value: $1) }.makeIterator()
    }

    public static func == (lhs: SpanAttributes, rhs: SpanAttributes) -> Bool {
        lhs.keys == rhs.keys && lhs.values == rhs.values
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(keys)
        hasher.combine(values)
    }
}
