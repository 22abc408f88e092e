import Foundation

/// Metric and label names for OTLP metrics exposed on `/metrics`, following the
/// OpenTelemetry–Prometheus compatibility specification (the collector's default "with
/// suffixes" translation).
///
/// - Metric names: every run of characters outside `[a-zA-Z0-9]` becomes one `_`; the unit
///   becomes a suffix (`ms` → `_milliseconds`, `By/s` → `_bytes_per_second`, `{requests}`
///   annotations dropped) unless the name already holds it; gauges with unit `1` get `_ratio`;
///   monotonic sums are counters (the encoder adds `_total`, so a trailing `total` is removed
///   here); a leading digit gets a `_` prefix.
/// - Label names: characters outside `[a-zA-Z0-9_]` become `_`; a leading digit gets `key_`,
///   a leading `__` (reserved in Prometheus) gets `key`.
enum PrometheusNaming {
    /// The Prometheus family name and unit for an OTLP metric, or nil when nothing is left of it.
    static func metricName(_ name: String, unit: String, type: MetricKind) -> (name: String, unit: String)? {
        var tokens = words(name)
        if type == .counter { tokens.removeAll { $0 == "total" } }
        let (main, per) = unitParts(unit)
        var unitWords: [String] = []
        if let main, main != "1" {
            unitWords = words(unitNames[main] ?? main)
        } else if main == "1", type == .gauge {
            unitWords = ["ratio"]
        }
        // A unit word the name already holds is not added again.
        tokens += unitWords.filter { !tokens.contains($0) }
        if let per {
            let perWords = ["per"] + words(perUnitNames[per] ?? per)
            if !perWords.allSatisfy(tokens.contains) { tokens += perWords }
            unitWords += perWords
        }
        guard !tokens.isEmpty else { return nil }
        var result = tokens.joined(separator: "_")
        if let first = result.utf8.first, isDigit(first) { result = "_" + result }
        let unitText = unitWords.joined(separator: "_")
        return (result, !unitText.isEmpty && result.hasSuffix("_" + unitText) ? unitText : "")
    }

    /// A valid Prometheus label name for an attribute key, or nil for an empty key.
    static func labelName(_ key: String) -> String? {
        guard !key.isEmpty else { return nil }
        var name = String(decoding: key.utf8.map { isWordByte($0) || $0 == UInt8(ascii: "_") ? $0 : UInt8(ascii: "_") },
                          as: UTF8.self)
        if let first = name.utf8.first, isDigit(first) {
            name = "key_" + name
        } else if name.hasPrefix("__") {
            name = "key" + name
        }
        return name
    }

    /// What an OTLP metric becomes, which decides the suffixes.
    enum MetricKind {
        case counter, gauge, histogram, summary
    }

    private static func unitParts(_ unit: String) -> (main: String?, per: String?) {
        // Curly-brace annotations ("{requests}") carry no unit.
        var stripped = ""
        var depth = 0
        for character in unit {
            if character == "{" { depth += 1 } else if character == "}" { depth = max(0, depth - 1) } else if depth == 0 {
                stripped.append(character)
            }
        }
        let parts = stripped.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        let main = parts.first.flatMap { $0.isEmpty ? nil : $0 }
        let per = parts.count > 1 && !parts[1].isEmpty ? parts[1] : nil
        return (main, per)
    }

    private static func words(_ text: String) -> [String] {
        text.utf8.split(whereSeparator: { !isWordByte($0) }).map { String(decoding: $0, as: UTF8.self) }
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || isDigit(byte)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// UCUM units to Prometheus words, from the compatibility specification.
    private static let unitNames: [String: String] = [
        "d": "days", "h": "hours", "min": "minutes", "s": "seconds", "ms": "milliseconds", "us": "microseconds",
        "ns": "nanoseconds", "By": "bytes", "KiBy": "kibibytes", "MiBy": "mebibytes", "GiBy": "gibibytes",
        "TiBy": "tibibytes", "KBy": "kilobytes", "MBy": "megabytes", "GBy": "gigabytes", "TBy": "terabytes",
        "m": "meters", "V": "volts", "A": "amperes", "J": "joules", "W": "watts", "g": "grams", "Cel": "celsius",
        "Hz": "hertz", "%": "percent",
    ]

    private static let perUnitNames: [String: String] = [
        "s": "second", "m": "minute", "h": "hour", "d": "day", "w": "week", "mo": "month", "y": "year",
    ]
}
