/// Vendor-specific trace data carried in the W3C `tracestate` header: an ordered list of at
/// most 32 key–value members, the most recently updated first.
public struct TraceState: Sendable, Hashable {
    /// One list member.
    public struct Member: Sendable, Hashable {
        /// A key as W3C trace context defines it (`vendor` or `tenant@vendor`).
        public let key: String
        /// A value of printable ASCII without `,` and `=`.
        public let value: String
    }

    /// The most members a `tracestate` may carry.
    public static let maximumMembers = 32

    /// The members, most recently updated first.
    public var members: [Member] { storage }
    @usableFromInline var storage: [Member]

    /// An empty trace state.
    @inlinable
    public init() {
        storage = []
    }

    /// Parses a `tracestate` header value. Returns nil when any member is malformed, a key
    /// repeats or there are more than 32 members: W3C trace context then discards the whole
    /// header. Empty members (`a=1,,b=2`) and spaces around members are allowed.
    public init?(header: some StringProtocol) {
        var members: [Member] = []
        var keys = Set<String>()
        for rawMember in header.split(separator: ",", omittingEmptySubsequences: false) {
            let member = rawMember.trimmingOWS()
            if member.isEmpty { continue }
            guard let equals = member.firstIndex(of: "=") else { return nil }
            let key = String(member[..<equals])
            let value = String(member[member.index(after: equals)...])
            guard Self.isValidKey(key), Self.isValidValue(value), keys.insert(key).inserted else { return nil }
            members.append(Member(key: key, value: value))
        }
        guard members.count <= Self.maximumMembers else { return nil }
        storage = members
    }

    /// Whether there are no members.
    @inlinable
    public var isEmpty: Bool { storage.isEmpty }

    /// The value for `key`, if present.
    public func value(forKey key: String) -> String? {
        members.first { $0.key == key }?.value
    }

    /// A copy with `key` set to `value` and moved to the front, as W3C requires of an update.
    /// Returns nil when the key or value is invalid. When the list is full the last member is
    /// dropped to make room.
    public func setting(_ key: String, to value: String) -> TraceState? {
        guard Self.isValidKey(key), Self.isValidValue(value) else { return nil }
        var copy = self
        copy.storage.removeAll { $0.key == key }
        copy.storage.insert(Member(key: key, value: value), at: 0)
        if copy.storage.count > Self.maximumMembers { copy.storage.removeLast() }
        return copy
    }

    /// A copy without `key`.
    public func removing(_ key: String) -> TraceState {
        var copy = self
        copy.storage.removeAll { $0.key == key }
        return copy
    }

    /// The header value: `key=value` members joined by commas.
    public var header: String {
        members.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }

    /// `simple-key` (`lcalpha 0*255(lcalpha / DIGIT / "_" / "-" / "*" / "/")`) or
    /// `tenant@system` (tenant: 1–241 of lcalpha/DIGIT first then the same set; system: 1–14,
    /// lcalpha first).
    static func isValidKey(_ key: String) -> Bool {
        let bytes = Array(key.utf8)
        if let at = bytes.firstIndex(of: UInt8(ascii: "@")) {
            let tenant = bytes[..<at]
            let system = bytes[(at + 1)...]
            guard let tenantFirst = tenant.first, let systemFirst = system.first,
                tenant.count <= 241, system.count <= 14,
                isLowercaseLetter(tenantFirst) || isDigit(tenantFirst), isLowercaseLetter(systemFirst)
            else { return false }
            return tenant.dropFirst().allSatisfy(isKeyCharacter) && system.dropFirst().allSatisfy(isKeyCharacter)
        }
        guard let first = bytes.first, isLowercaseLetter(first), bytes.count <= 256 else { return false }
        return bytes.dropFirst().allSatisfy(isKeyCharacter)
    }

    /// 0–256 printable ASCII characters except `,` and `=`, not ending in a space.
    static func isValidValue(_ value: String) -> Bool {
        let bytes = value.utf8
        guard bytes.count <= 256, bytes.last != UInt8(ascii: " ") else { return false }
        return bytes.allSatisfy { byte in
            (0x20...0x7E).contains(byte) && byte != UInt8(ascii: ",") && byte != UInt8(ascii: "=")
        }
    }

    private static func isLowercaseLetter(_ byte: UInt8) -> Bool { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) }
    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
    private static func isKeyCharacter(_ byte: UInt8) -> Bool {
        isLowercaseLetter(byte) || isDigit(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
            || byte == UInt8(ascii: "*") || byte == UInt8(ascii: "/")
    }
}
