/// Application-defined key–values that travel with a request across services (W3C Baggage).
public struct Baggage: Sendable, Hashable {
    /// One entry: a key, a value and optional metadata (the W3C properties, kept as text).
    public struct Entry: Sendable, Hashable {
        /// The key, a token as HTTP defines it.
        public let key: String
        /// The value (any text; percent-encoded on the wire).
        public let value: String
        /// The properties after the value (`;`-separated), or empty.
        public let metadata: String
    }

    /// The entries in insertion order.
    public private(set) var entries: [Entry] = []

    /// No entries.
    public init() {}

    /// The baggage of the enclosing `Baggage.$current.withValue`, inherited by child tasks.
    @TaskLocal public static var current: Baggage?

    /// The value for `key`.
    public subscript(key: String) -> String? {
        entries.first { $0.key == key }?.value
    }

    /// A copy with `key` set. Returns nil when `key` is not a valid token.
    public func setting(_ key: String, to value: String, metadata: String = "") -> Baggage? {
        guard Self.isToken(key) else { return nil }
        var copy = self
        copy.entries.removeAll { $0.key == key }
        copy.entries.append(Entry(key: key, value: value, metadata: metadata))
        return copy
    }

    /// A copy without `key`.
    public func removing(_ key: String) -> Baggage {
        var copy = self
        copy.entries.removeAll { $0.key == key }
        return copy
    }

    /// Whether there are no entries.
    public var isEmpty: Bool { entries.isEmpty }

    /// HTTP's `token`: one or more of ALPHA, DIGIT and ``!#$%&'*+-.^_`|~``.
    static func isToken(_ text: some StringProtocol) -> Bool {
        !text.isEmpty
            && text.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"):
                    return true
                default:
                    return "!#$%&'*+-.^_`|~".utf8.contains(byte)
                }
            }
    }
}
