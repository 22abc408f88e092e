/// A duration in Prometheus's notation: one or more `<number><unit>` parts in decreasing unit
/// order, with units `y w d h m s ms` (`1h30m`, `5m`, `250ms`, `0s`).
public struct PrometheusDuration: Sendable, Equatable, Comparable, CustomStringConvertible {
    /// Length in milliseconds.
    public let milliseconds: Int64

    /// Wraps a millisecond count.
    public init(milliseconds: Int64) {
        self.milliseconds = milliseconds
    }

    private static let units: [(name: String, milliseconds: Int64)] = [
        ("y", 365 * 86_400_000), ("w", 7 * 86_400_000), ("d", 86_400_000), ("h", 3_600_000),
        ("m", 60_000), ("s", 1000), ("ms", 1),
    ]

    /// Parses `text`; nil when it is not a valid duration.
    public init?(_ text: String) {
        guard !text.isEmpty else { return nil }
        if text == "0" {
            milliseconds = 0
            return
        }
        var total: Int64 = 0
        var lastUnitIndex = -1
        var rest = Substring(text)
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, let number = Int64(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            let letters = rest.prefix { $0.isASCII && $0.isLetter }
            rest = rest.dropFirst(letters.count)
            guard let unitIndex = PrometheusDuration.units.firstIndex(where: { $0.name == letters }),
                unitIndex > lastUnitIndex
            else { return nil }
            lastUnitIndex = unitIndex
            let (product, overflow) = number.multipliedReportingOverflow(by: PrometheusDuration.units[unitIndex].milliseconds)
            guard !overflow else { return nil }
            total += product
        }
        milliseconds = total
    }

    /// Length in seconds.
    public var seconds: Double { Double(milliseconds) / 1000 }

    /// The shortest form, as Prometheus prints durations (`1h30m`, `0s`).
    public var description: String {
        guard milliseconds > 0 else { return "0s" }
        var remaining = milliseconds
        var text = ""
        for unit in PrometheusDuration.units where remaining >= unit.milliseconds {
            text += "\(remaining / unit.milliseconds)\(unit.name)"
            remaining %= unit.milliseconds
        }
        return text
    }

    public static func < (lhs: PrometheusDuration, rhs: PrometheusDuration) -> Bool {
        lhs.milliseconds < rhs.milliseconds
    }
}
