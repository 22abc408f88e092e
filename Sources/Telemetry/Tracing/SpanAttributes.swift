/// An ordered set of attributes with unique keys, as spans, events, links and resources carry.
///
/// Setting a key that exists replaces its value in place; a new key goes at the end. Lookups
/// scan linearly, which for the handful of attributes a span carries is faster than hashing.
public struct SpanAttributes: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    /// One attribute.
    public typealias Element = (key: String, value: AttributeValue)

    // One array of pairs, not parallel key and value arrays: a span's attributes then cost
    // one allocation (measured: 3 allocations per sampled span with two arrays, 2 with one).
    @usableFromInline var elements: [Element]

    /// No attributes.
    @inlinable
    public init() {
        elements = []
    }

    /// Attributes in the given order; a repeated key keeps its last value.
    @inlinable
    public init(dictionaryLiteral elements: (String, AttributeValue)...) {
        self.init()
        // `[:]` is every default argument: it must not touch the array (measured: reserving
        // 0 reallocated it, one allocation per unsampled span).
        guard !elements.isEmpty else { return }
        self.elements.reserveCapacity(elements.count)
        for (key, value) in elements { self[key] = value }
    }

    /// The number of attributes.
    public var count: Int { elements.count }

    /// Whether there are none.
    public var isEmpty: Bool { elements.isEmpty }

    /// The value for `key`; setting nil removes it.
    public subscript(key: String) -> AttributeValue? {
        get {
            guard let index = index(of: key) else { return nil }
            return elements[index].value
        }
        set {
            if let index = index(of: key) {
                if let newValue { elements[index].value = newValue } else { elements.remove(at: index) }
            } else if let newValue {
                elements.append((key: key, value: newValue))
            }
        }
    }

    private func index(of key: String) -> Int? {
        // Lengths first: keys of a span mostly differ in length, and comparing two unequal
        // strings otherwise goes through the standard library's general comparison.
        let length = key.utf8.count
        return elements.firstIndex { $0.key.utf8.count == length && $0.key == key }
    }

    /// Sets `key` unless that would take the count past `limits.count`; returns false when the
    /// attribute was dropped. Strings are cut to `limits.valueLength`.
    @discardableResult
    mutating func set(_ key: String, _ value: AttributeValue, limits: AttributeLimits) -> Bool {
        if let index = index(of: key) {
            elements[index].value = limits.valueLength.map { value.truncated(to: $0) } ?? value
            return true
        }
        guard elements.count < limits.count else { return false }
        // One allocation for the usual handful of attributes instead of regrowing 1, 2, 4.
        if elements.capacity == 0 { elements.reserveCapacity(8) }
        // Stored straight from the argument when there is no length limit (measured: an
        // intermediate copy cost a retain and two releases of the value per attribute).
        if let limit = limits.valueLength {
            elements.append((key: key, value: value.truncated(to: limit)))
        } else {
            elements.append((key: key, value: value))
        }
        return true
    }

    /// Removes every attribute, keeping the storage unless it grew large: a reused span
    /// recorder then sets its usual handful of attributes without allocating.
    mutating func removeAllKeepingSmallStorage() {
        if elements.capacity <= 64 {
            // Popped one by one: each element is destroyed by code specialised for it, where
            // `removeAll(keepingCapacity:)` destroys them through the runtime's generic value
            // witnesses (measured: a fifth of the export task's time per span).
            while elements.popLast() != nil {}
        } else {
            elements = []
        }
    }

    /// The bytes an array's storage has before its first element (its object header and counts).
    static var headerBytes: Int { 32 }

    /// Where the storage starts (its header, before the first element), 0 when there is none;
    /// only a hint for prefetching.
    var storageAddress: UInt {
        guard elements.capacity > 0 else { return 0 }
        return elements.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.map { UInt(bitPattern: $0) - UInt(Self.headerBytes) } ?? 0
        }
    }

    /// These attributes under `limits`, and how many were dropped to respect them.
    func limited(by limits: AttributeLimits) -> (attributes: SpanAttributes, dropped: Int) {
        guard elements.count > limits.count || limits.valueLength != nil else { return (self, 0) }
        var result = SpanAttributes()
        var dropped = 0
        for (key, value) in self where !result.set(key, value, limits: limits) { dropped += 1 }
        return (result, dropped)
    }

    public func makeIterator() -> IndexingIterator<[Element]> {
        elements.makeIterator()
    }

    public static func == (lhs: SpanAttributes, rhs: SpanAttributes) -> Bool {
        lhs.elements.elementsEqual(rhs.elements) { $0.key == $1.key && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for element in elements {
            hasher.combine(element.key)
            hasher.combine(element.value)
        }
    }
}
