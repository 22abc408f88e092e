import Foundation
import HTTPServer
import OTLP

/// Parsing of query-string parameters for the JSON APIs. Every failure is a 400 that names the
/// parameter and says what it wants.
struct QueryParameters {
    let request: HTTPRequest

    private func invalid(_ name: String, _ want: String, _ got: String) -> HTTPError {
        HTTPError(status: 400, message: "\(name): want \(want), got \"\(got)\"")
    }

    /// An integer in `range`, or `defaultValue` when absent.
    func integer(_ name: String, default defaultValue: Int, range: ClosedRange<Int>) throws(HTTPError) -> Int {
        guard let text = request.queryValue(name) else { return defaultValue }
        guard let value = Int(text), range.contains(value) else {
            throw invalid(name, "an integer from \(range.lowerBound) to \(range.upperBound)", text)
        }
        return value
    }

    /// A 16-byte trace id in hex.
    func traceID(_ name: String) throws(HTTPError) -> Data? {
        guard let text = request.queryValue(name) else { return nil }
        guard text.count == 32, let bytes = Hex.decode(text) else { throw invalid(name, "32 hex characters", text) }
        return Data(bytes)
    }

    /// An 8-byte span id in hex.
    func spanID(_ name: String) throws(HTTPError) -> Data? {
        guard let text = request.queryValue(name) else { return nil }
        guard text.count == 16, let bytes = Hex.decode(text) else { throw invalid(name, "16 hex characters", text) }
        return Data(bytes)
    }

    /// A non-empty string.
    func string(_ name: String) throws(HTTPError) -> String? {
        guard let text = request.queryValue(name) else { return nil }
        guard !text.isEmpty else { throw invalid(name, "a non-empty value", text) }
        return text
    }

    /// A time as Unix nanoseconds, given as Unix seconds (fractions allowed) or RFC 3339.
    func time(_ name: String) throws(HTTPError) -> Int64? {
        guard let text = request.queryValue(name) else { return nil }
        if let seconds = Double(text), seconds.isFinite, seconds >= 0, seconds < 9.2e9 {
            return Int64(seconds * 1e9)
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let date = formatter.date(from: text) ?? ISO8601DateFormatter().date(from: text)
        // Nanoseconds since 1970 fit in 64 bits until 2262; a later (or pre-1970) date would
        // trap on conversion (found by FuzzQuery).
        guard let seconds = date?.timeIntervalSince1970, seconds.isFinite, seconds >= 0, seconds < 9.2e9 else {
            throw invalid(name, "Unix seconds or an RFC 3339 time such as 2026-01-02T15:04:05Z, from 1970 to 2261", text)
        }
        return Int64(seconds * 1e9)
    }

    /// The `start` and `end` times (either may be absent); end before start is a 400.
    func timeRange() throws(HTTPError) -> (start: Int64?, end: Int64?) {
        let start = try time("start")
        let end = try time("end")
        if let start, let end, start > end { throw HTTPError(status: 400, message: "end: must not be before start") }
        return (start, end)
    }

    /// A duration in nanoseconds, written as Go and Jaeger write them: a decimal number and a
    /// unit, possibly repeated (`250ms`, `1.5s`, `1m30s`; units ns, us, µs, ms, s, m, h).
    func duration(_ name: String) throws(HTTPError) -> Int64? {
        guard let text = request.queryValue(name) else { return nil }
        guard let nanos = Self.parseDuration(text) else {
            throw invalid(name, "a duration such as 250ms, 1.5s or 1m30s", text)
        }
        return nanos
    }

    static func parseDuration(_ text: String) -> Int64? {
        let units: [(String, Double)] = [
            ("ns", 1), ("us", 1e3), ("µs", 1e3), ("ms", 1e6), ("s", 1e9), ("m", 60e9), ("h", 3600e9),
        ]
        var rest = Substring(text)
        var total = 0.0
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            let unitText = rest.prefix { !($0.isASCII && ($0.isNumber || $0 == ".")) }
            guard let unit = units.first(where: { $0.0 == unitText }) else { return nil }
            rest = rest.dropFirst(unitText.count)
            total += value * unit.1
        }
        guard total < 9.2e18 else { return nil }
        return Int64(total)
    }
}
