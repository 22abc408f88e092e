/// An 8-byte span id, as W3C trace context and OTLP define it.
///
/// An id is valid when it is not zero; `random()` never returns the invalid id.
public struct SpanID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The eight bytes as a big-endian number.
    public let value: UInt64

    /// Creates an id from its big-endian value.
    @inlinable
    public init(_ value: UInt64) {
        self.value = value
    }

    /// The zero id, which W3C trace context treats as invalid.
    public static let invalid = SpanID(0)

    /// A new random, valid id.
    @inlinable
    public static func random() -> SpanID {
        SpanID(RandomIDSource.nextNonZero())
    }

    /// Whether the id is not zero.
    @inlinable
    public var isValid: Bool { value != 0 }

    /// Parses 16 lowercase hex digits; returns nil for anything else.
    public init?(hex: some StringProtocol) {
        let utf8 = hex.utf8
        guard utf8.count == 16, let value = HexDigits.parse(utf8) else { return nil }
        self.init(value)
    }

    /// Reads 8 big-endian bytes; returns nil when there are not exactly 8.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 8 else { return nil }
        self.init(bytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
    }

    /// 16 lowercase hex digits.
    public var hex: String { HexDigits.string(value) }

    /// The 8 bytes, big-endian, as OTLP carries them.
    public var bytes: [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> UInt64(56 - 8 * $0)) }
    }

    public var description: String { hex }

    public static func < (lhs: SpanID, rhs: SpanID) -> Bool { lhs.value < rhs.value }
}
