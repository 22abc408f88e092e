import Foundation
import HTTPServer
import PromQL

/// Parameters of Prometheus's API, parsed and worded as Prometheus does
/// (`invalid parameter "time": cannot parse "x" to a valid timestamp`).
struct APIParameters {
    let values: [(name: String, value: String)]

    init(_ request: HTTPRequest) {
        values = request.formParameters
    }

    func value(_ name: String) -> String? {
        values.first { $0.name == name }?.value
    }

    func all(_ name: String) -> [String] {
        values.filter { $0.name == name }.map(\.value)
    }

    struct Invalid: Error {
        let message: String
    }

    static func invalid(_ name: String, _ reason: String) -> Invalid {
        Invalid(message: "invalid parameter \"\(name)\": \(reason)")
    }

    /// A time in milliseconds: Unix seconds with a fraction, or RFC 3339.
    func time(_ name: String, default defaultValue: Int64?) throws(Invalid) -> Int64 {
        guard let text = value(name), !text.isEmpty else {
            if let defaultValue { return defaultValue }
            throw Self.invalid(name, "cannot parse \"\" to a valid timestamp")
        }
        if let seconds = Double(text), seconds.isFinite, abs(seconds) < 9.2e15 {
            return Int64((seconds * 1000).rounded())
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) ?? ISO8601DateFormatter().date(from: text) {
            return Int64((date.timeIntervalSince1970 * 1000).rounded())
        }
        // Prometheus words the `time` parameter of an instant query its own way.
        let prefix = name == "time" ? "Invalid time value for 'time': " : ""
        throw Self.invalid(name, prefix + "cannot parse \"\(text)\" to a valid timestamp")
    }

    /// A duration in milliseconds: float seconds or a PromQL duration (`15s`, `1m`).
    func duration(_ name: String) throws(Invalid) -> Int64 {
        let text = value(name) ?? ""
        if let seconds = Double(text), seconds.isFinite {
            guard abs(seconds) < 9.2e15 else {
                throw Self.invalid(name, "cannot parse \"\(text)\" to a valid duration. It overflows int64")
            }
            return Int64((seconds * 1000).rounded())
        }
        guard let duration = PromDuration(text) else { throw Self.invalid(name, "cannot parse \"\(text)\" to a valid duration") }
        return duration.milliseconds
    }

    /// The expression of `query`.
    /// The `query` expression. Prometheus 2.42 names the parameter in a parse error of an
    /// instant query but not of a range query (`namingParameter: false`).
    func expression(namingParameter: Bool = true) throws(Invalid) -> Expr {
        let text = value("query") ?? ""
        do {
            return try Parser.parse(text)
        } catch {
            let message = error.formatted(in: text)
            throw namingParameter ? Self.invalid("query", message) : Invalid(message: message)
        }
    }

    /// Every `match[]` selector.
    func matchers() throws(Invalid) -> [[LabelMatcher]] {
        var lists: [[LabelMatcher]] = []
        var seen = Set<String>()
        // A selector given again adds nothing: each is parsed and matched once.
        for text in all("match[]") where seen.insert(text).inserted {
            let expr: Expr
            do throws(ParseError) {
                expr = try Parser.parse(text)
            } catch {
                throw Self.invalid("match[]", error.formatted(in: text))
            }
            guard case .vector(let selector) = expr else {
                throw Self.invalid("match[]", "1:1: parse error: expected type instant vector in selector, got \(expr.type.rawValue)")
            }
            lists.append(selector.matchers)
        }
        return lists
    }
}
