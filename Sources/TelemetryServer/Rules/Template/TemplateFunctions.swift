import Foundation
import PromQL

/// Prometheus's template functions (its `template.go`), numbers printed with Go's `%.4g`.
/// `query`, `externalURL` and `pathPrefix` depend on where the template runs and are added by
/// `TemplateExecutor`.
enum TemplateFunctions {
    typealias Failure = TemplateFunction.Failure

    static let functions: [String: TemplateFunction] = [
        "first": TemplateFunction([.queryResult]) { (values) throws(Failure) in
            guard case .samples(let samples) = values[0], let first = samples.first else {
                throw Failure("first() called on vector with no elements")
            }
            return .sample(first)
        },
        "label": TemplateFunction([.string, .sample]) { values in
            guard case .string(let name) = values[0], case .sample(let sample?) = values[1] else { return .string("") }
            return .string(sample.labels[name] ?? "")
        },
        "value": TemplateFunction([.sample]) { values in
            guard case .sample(let sample?) = values[0] else { return .float(0) }
            return .float(sample.value)
        },
        "strvalue": TemplateFunction([.sample]) { values in
            guard case .sample(let sample?) = values[0] else { return .string("") }
            return .string(sample.labels["__value__"] ?? "")
        },
        "sortByLabel": TemplateFunction([.string, .queryResult]) { values in
            guard case .string(let name) = values[0], case .samples(let samples) = values[1] else { return values[1] }
            // Swift's sort is stable, as Go's sort.Stable.
            return .samples(samples.sorted { ($0.labels[name] ?? "").utf8.lexicographicallyPrecedes(($1.labels[name] ?? "").utf8) })
        },
        "args": TemplateFunction([], variadic: .any) { values in
            .arguments(Dictionary(uniqueKeysWithValues: values.enumerated().map { ("arg\($0.offset)", $0.element) }))
        },
        "reReplaceAll": .text(3) { (texts) throws(Failure) in try TemplateRegex.replaceAll(pattern: texts[0], with: texts[1], in: texts[2]) },
        "match": TemplateFunction([.string, .string]) { (values) throws(Failure) in
            guard case .string(let pattern) = values[0], case .string(let text) = values[1] else { return .bool(false) }
            return .bool(try TemplateRegex.matches(pattern: pattern, text))
        },
        "safeHtml": TemplateFunction([.string]) { values in
            guard case .string(let text) = values[0] else { return .html("") }
            return .html(text)
        },
        "title": .text(1) { title($0[0]) },
        "toUpper": .text(1) { $0[0].uppercased() },
        "toLower": .text(1) { $0[0].lowercased() },
        "stripPort": .text(1) { stripPort($0[0]) },
        "stripDomain": .text(1) { stripDomain($0[0]) },
        "graphLink": .text(1) { "/graph?g0.expr=\(TemplateBuiltins.queryEscape($0[0]))&g0.tab=0" },
        "tableLink": .text(1) { "/graph?g0.expr=\(TemplateBuiltins.queryEscape($0[0]))&g0.tab=1" },
        "parseDuration": TemplateFunction([.string]) { (values) throws(Failure) in
            guard case .string(let text) = values[0], let duration = PromDuration(text) else {
                throw Failure("not a valid duration string: \(GoQuote.quote(values[0].formatted()))")
            }
            return .float(Double(duration.milliseconds) / 1000)
        },
        "humanize": number { .string(humanize($0)) },
        "humanize1024": number { .string(humanize1024($0)) },
        "humanizeDuration": number { .string(humanizeDuration($0)) },
        "humanizePercentage": number { .string(g4($0 * 100) + "%") },
        "humanizeTimestamp": number { (value) throws(Failure) in
            guard value.isFinite else { return .string(g4(value)) }
            return .string(humanizeTimestamp(try milliseconds(value)))
        },
        "toTime": number { (value) throws(Failure) in
            guard value.isFinite else { throw Failure("\(GoQuote.formatFloat(value)) cannot be represented as a nanoseconds timestamp") }
            return .time(try milliseconds(value))
        },
    ]

    /// A function of one number given as a number or a string, as Prometheus's humanize
    /// functions take `interface{}` and convert it.
    private static func number(_ body: @escaping @Sendable (Double) throws(Failure) -> TemplateValue) -> TemplateFunction {
        TemplateFunction([.any]) { (values) throws(Failure) in
            switch values[0] {
            case .float(let value): return try body(value)
            case .int(let value): return try body(Double(value))
            case .string(let text):
                guard let value = Double(text) else {
                    throw Failure("strconv.ParseFloat: parsing \(GoQuote.quote(text)): invalid syntax")
                }
                return try body(value)
            default: throw Failure("can't convert \(values[0].goType) to float")
            }
        }
    }

    /// Seconds since the epoch as whole milliseconds, as Prometheus turns a float into a time.
    private static func milliseconds(_ value: Double) throws(Failure) -> Int64 {
        let nanoseconds = value * 1e9
        guard nanoseconds < 9.223372036854775807e18, nanoseconds > -9.223372036854775807e18 else {
            throw Failure("\(GoQuote.formatFloat(value)) cannot be represented as a nanoseconds timestamp since it overflows int64")
        }
        return Int64(nanoseconds) / 1_000_000
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

    /// Go's `time.Time.String()` of a Unix time in milliseconds, in UTC.
    static func humanizeTimestamp(_ milliseconds: Int64) -> String {
        let floored = milliseconds >= 0 ? milliseconds / 1000 : -((-milliseconds + 999) / 1000)
        let seconds = Double(floored)
        let nanoseconds = (milliseconds - floored * 1000) * 1_000_000
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

    /// `host.example.com:port` → `host:port`; an IP address is left as it is.
    static func stripDomain(_ text: String) -> String {
        let host = stripPort(text)
        let port = host == text ? "" : String(text.dropFirst(text.hasPrefix("[") ? host.count + 2 : host.count).dropFirst())
        if host.contains(":") || host.split(separator: ".").allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) && host.split(separator: ".").count == 4 {
            return text
        }
        let short = String(host.prefix { $0 != "." })
        return port.isEmpty ? short : "\(short):\(port)"
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
