/// A 16-byte trace id, as W3C trace context and OTLP define it.
///
/// An id is valid when at least one byte is not zero; `random()` never returns the invalid id.
public struct TraceID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The first eight bytes, big-endian.
    public let high: UInt64
    /// The last eight bytes, big-endian. Ratio sampling reads these.
    public let low: UInt64

    /// Creates an id from its two big-endian halves.
    @inlinable
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// The all-zero id, which W3C trace context treats as invalid.
    public static let invalid = TraceID(high: 0, low: 0)

    /// A new random, valid id.
    @inlinable
    public static func random() -> TraceID {
        TraceID(high: RandomIDSource.next(), low: RandomIDSource.nextNonZero())
    }

    /// Whether the id is not all zero.
    @inlinable
    public var isValid: Bool { high != 0 || low != 0 }

    /// Parses 32 lowercase hex digits; returns nil for anything else (the all-zero id parses,
    /// check `isValid`).
    public init?(hex: some StringProtocol) {
        let utf8 = hex.utf8
        guard utf8.count == 32,
            let high = HexDigits.parse(utf8.prefix(16)),
            let low = HexDigits.parse(utf8.dropFirst(16))
        else { return nil }
        self.init(high: high, low: low)
    }

    /// Reads 16 big-endian bytes; returns nil when there are not exactly 16.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 16 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for (index, byte) in bytes.enumerated() {
            if index < 8 { high = high << 8 | UInt64(byte) } else { low = low << 8 | UInt64(byte) }
        }
        self.init(high: high, low: low)
    }

    /// 32 lowercase hex digits.
    public var hex: String {
        String(unsafeUninitializedCapacity: 32) { buffer in
            HexDigits.write(high, digits: 16, into: buffer, at: 0)
            HexDigits.write(low, digits: 16, into: buffer, at: 16)
            return 32
        }
    }

    /// The 16 bytes, big-endian, as OTLP carries them.
    public var bytes: [UInt8] {
        (0..<16).map { index in
            let half = index < 8 ? high : low
            return UInt8(truncatingIfNeeded: half >> UInt64(56 - 8 * (index % 8)))
        }
    }

    public var description: String { hex }

    public static func < (lhs: TraceID, rhs: TraceID) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }
}
