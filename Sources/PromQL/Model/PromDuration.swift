/// A duration in milliseconds, written as Prometheus writes them in PromQL, its API and its
/// configuration files (one grammar for all three): a sequence of a whole number and a unit,
/// largest unit first, each unit at most once (`1h30m`, `500ms`, `2w`). Units: `y` (365
/// days), `w`, `d`, `h`, `m`, `s`, `ms`.
public struct PromDuration: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Length in milliseconds (negative for a negative offset).
    public var milliseconds: Int64

    /// Wraps a length in milliseconds.
    public init(milliseconds: Int64) {
        self.milliseconds = milliseconds
    }

    static let units: [(name: String, milliseconds: Int64)] = [
        ("y", 365 * 86_400_000), ("w", 7 * 86_400_000), ("d", 86_400_000), ("h", 3_600_000), ("m", 60_000),
        ("s", 1000), ("ms", 1),
    ]

    /// Parses `text`; nil when it is not a valid duration (Prometheus's `not a valid duration
    /// string`), including units out of order or repeated. `0` alone is zero, as in
    /// Prometheus's configuration files.
    public init?(_ text: String) {
        guard !text.isEmpty else { return nil }
        if text == "0" {
            milliseconds = 0
            return
        }
        var rest = Substring(text)
        var total: Int64 = 0
        var nextUnit = 0
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, let number = Int64(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            let unitText = rest.hasPrefix("ms") ? "ms" : String(rest.prefix(1))
            guard let found = Self.units.indices.first(where: { Self.units[$0].name == unitText }), found >= nextUnit else {
                return nil
            }
            rest = rest.dropFirst(unitText.count)
            nextUnit = found + 1
            let (product, overflow) = number.multipliedReportingOverflow(by: Self.units[found].milliseconds)
            guard !overflow else { return nil }
            let (sum, sumOverflow) = total.addingReportingOverflow(product)
            guard !sumOverflow else { return nil }
            total = sum
        }
        milliseconds = total
    }

    /// Seconds, with fractions.
    public var seconds: Double { Double(milliseconds) / 1000 }

    /// The canonical form, as Prometheus prints it: `0s` for zero, else every non-zero unit
    /// from the largest (`1h30m`, `2w`, `1d12h`), with `-` in front when negative.
    public var description: String {
        guard milliseconds != 0 else { return "0s" }
        var rest = milliseconds.magnitude
        var text = milliseconds < 0 ? "-" : ""
        for unit in Self.units {
            let size = UInt64(unit.milliseconds)
            if rest >= size {
                text += "\(rest / size)\(unit.name)"
                rest %= size
            }
        }
        return text
    }

    public static func < (lhs: PromDuration, rhs: PromDuration) -> Bool { lhs.milliseconds < rhs.milliseconds }
}
