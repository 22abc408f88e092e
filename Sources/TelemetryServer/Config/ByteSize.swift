/// A size in Prometheus's notation for `--storage.tsdb.retention.size`: a whole number with
/// one of the units `B KB MB GB TB PB`, each 1024 times the one before (`512MB`, `1GB`).
public struct ByteSize: Sendable, Equatable, CustomStringConvertible {
    /// The size in bytes.
    public let bytes: Int64

    /// Wraps a byte count.
    public init(bytes: Int64) {
        self.bytes = bytes
    }

    private static let units: [(name: String, bytes: Int64)] = [
        ("PB", 1 << 50), ("TB", 1 << 40), ("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10), ("B", 1),
    ]

    /// Parses `text`; nil when it is not a valid size. `0` alone means no limit.
    public init?(_ text: String) {
        if text == "0" {
            bytes = 0
            return
        }
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        let unitName = text.dropFirst(digits.count)
        guard let number = Int64(digits), let unit = Self.units.first(where: { $0.name == unitName }) else {
            return nil
        }
        let (product, overflow) = number.multipliedReportingOverflow(by: unit.bytes)
        guard !overflow else { return nil }
        bytes = product
    }

    /// The largest unit that divides the size (`1GB`, `1536MB`).
    public var description: String {
        guard bytes > 0 else { return "0B" }
        let unit = Self.units.first { bytes % $0.bytes == 0 } ?? ("B", 1)
        return "\(bytes / unit.bytes)\(unit.name)"
    }
}
