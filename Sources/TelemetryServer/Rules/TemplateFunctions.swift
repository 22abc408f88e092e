import Foundation
import PromQL

/// Prometheus's template functions that take one value, as its `template.go` defines them
/// (numbers printed with Go's `%.4g`).
enum TemplateFunctions {
    /// A value flowing through a pipeline.
    enum Value {
        case number(Double)
        case text(String)

        /// As `{{ }}` prints it (Go's `%v`).
        var printed: String {
            switch self {
            case .number(let value): return GoQuote.formatFloat(value)
            case .text(let text): return text
            }
        }

        /// A number, as Prometheus converts strings for its humanize functions.
        var number: Double? {
            switch self {
            case .number(let value): return value
            case .text(let text): return Double(text)
            }
        }
    }

    /// Whether `name` takes text only (Go refuses a number for it).
    static func takesText(_ name: String) -> Bool {
        ["toUpper", "toLower", "title", "stripPort"].contains(name)
    }

    /// Applies `name` to `value`; nil for a function not known here.
    static func apply(_ name: String, _ value: Value) -> Value? {
        switch name {
        case "toUpper": return .text(value.printed.uppercased())
        case "toLower": return .text(value.printed.lowercased())
        case "title": return .text(title(value.printed))
        case "stripPort": return .text(stripPort(value.printed))
        case "humanize", "humanize1024", "humanizePercentage", "humanizeDuration", "humanizeTimestamp":
            guard let number = value.number else { return nil }
            switch name {
            case "humanize": return .text(humanize(number))
            case "humanize1024": return .text(humanize1024(number))
            case "humanizePercentage": return .text(g4(number * 100) + "%")
            case "humanizeDuration": return .text(humanizeDuration(number))
            default: return .text(humanizeTimestamp(number))
            }
        default: return nil
        }
    }

    /// Go's `%.4g`.
    static func g4(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        return String(format: "%.4g", value)
    }

    static func humanize(_ value: Double) -> String {
        if value == 0 || !value.isFinite { return g4(value) }
        var scaled = value
        var prefix = ""
        if abs(value) >= 1 {
            for candidate in ["k", "M", "G", "T", "P", "E", "Z", "Y"] where abs(scaled) >= 1000 {
                prefix = candidate
                scaled /= 1000
            }
        } else {
            for candidate in ["m", "u", "n", "p", "f", "a", "z", "y"] where abs(scaled) < 1 {
                prefix = candidate
                scaled *= 1000
            }
        }
        return g4(scaled) + prefix
    }

    static func humanize1024(_ value: Double) -> String {
        if abs(value) <= 1 || !value.isFinite { return g4(value) }
        var scaled = value
        var prefix = ""
        for candidate in ["ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"] where abs(scaled) >= 1024 {
            prefix = candidate
            scaled /= 1024
        }
        return g4(scaled) + prefix
    }

    static func humanizeDuration(_ value: Double) -> String {
        if !value.isFinite { return g4(value) }
        if value == 0 { return g4(value) + "s" }
        if abs(value) >= 1 {
            let sign = value < 0 ? "-" : ""
            let magnitude = abs(value)
            let duration = Int64(magnitude)
            let (seconds, minutes, hours, days) = (duration % 60, duration / 60 % 60, duration / 3600 % 24, duration / 86400)
            if days != 0 { return "\(sign)\(days)d \(hours)h \(minutes)m \(seconds)s" }
            if hours != 0 { return "\(sign)\(hours)h \(minutes)m \(seconds)s" }
            if minutes != 0 { return "\(sign)\(minutes)m \(seconds)s" }
            return sign + g4(magnitude) + "s"
        }
        var scaled = value
        var prefix = ""
        for candidate in ["m", "u", "n", "p", "f", "a", "z", "y"] where abs(scaled) < 1 {
            prefix = candidate
            scaled *= 1000
        }
        return g4(scaled) + prefix + "s"
    }

    /// Go's `time.Time.String()` of the Unix time `value`, in UTC.
    static func humanizeTimestamp(_ value: Double) -> String {
        if !value.isFinite { return g4(value) }
        let seconds = value.rounded(.down)
        let nanoseconds = Int64(((value - seconds) * 1e9).rounded())
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = calendar.dateComponents(
            [.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: seconds))
        var text = String(
            format: "%04d-%02d-%02d %02d:%02d:%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0,
            parts.minute ?? 0, parts.second ?? 0)
        if nanoseconds > 0 {
            var fraction = String(format: "%09lld", nanoseconds)
            while fraction.hasSuffix("0") { fraction.removeLast() }
            text += "." + fraction
        }
        return text + " +0000 UTC"
    }

    /// Go's `strings.Title`: the first letter of each word in upper case.
    static func title(_ text: String) -> String {
        var result = ""
        var atWordStart = true
        for character in text {
            result += atWordStart ? character.uppercased() : String(character)
            atWordStart = !(character.isLetter || character.isNumber || character == "_" || character == "'")
        }
        return result
    }

    /// `host:port` → `host` (IPv6 brackets removed); anything else unchanged.
    static func stripPort(_ text: String) -> String {
        if text.hasPrefix("["), let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") {
            return String(text[text.index(after: text.startIndex)..<close])
        }
        guard let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") else { return text }
        return String(text[..<colon])
    }
}
