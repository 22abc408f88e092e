import Foundation
import PromQL

/// A panel of the dashboard: a PromQL expression (or a metric name) drawn as a chart and
/// refreshed live on the `views` event topic.
public struct DashboardView: Sendable, Equatable {
    /// How a view is drawn.
    public enum Chart: String, Sendable, CaseIterable {
        case line, area, bars, stat, gauge, heatmap, table
    }

    /// Why a view definition was refused; names the field.
    public struct Invalid: Error, CustomStringConvertible, Equatable {
        /// The field at fault (`expr`, `refresh`, …), empty for the document itself.
        public let field: String
        /// What is wrong.
        public let message: String

        public var description: String { field.isEmpty ? message : "\(field): \(message)" }
    }

    /// Letters, digits, `_` and `-`; at most 64 characters.
    public var id: String
    public var title: String
    /// PromQL; a bare metric name is a valid expression.
    public var expr: String
    public var chart: Chart
    /// Display unit (`s`, `bytes`, `%`, `req/s`, or empty).
    public var unit: String
    /// How far back the chart looks.
    public var range: PromDuration
    /// How often new points are pushed; at least 250 ms.
    public var refresh: PromDuration

    /// The smallest refresh allowed.
    public static let minimumRefresh = PromDuration(milliseconds: 250)

    /// Creates a view, checking the expression and the durations.
    public init(
        id: String, title: String? = nil, expr: String, chart: Chart = .line, unit: String = "",
        range: PromDuration = PromDuration(milliseconds: 3_600_000), refresh: PromDuration = PromDuration(milliseconds: 5000)
    ) throws(Invalid) {
        self.id = id
        self.title = title ?? expr
        self.expr = expr
        self.chart = chart
        self.unit = unit
        self.range = range
        self.refresh = refresh
        try validate()
    }

    /// Checks every field; the first problem is thrown.
    public func validate() throws(Invalid) {
        guard !id.isEmpty, id.utf8.count <= 64,
            id.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "_" || $0 == "-") })
        else {
            throw Invalid(field: "id", message: "\"\(id)\" must be 1 to 64 letters, digits, '_' or '-'")
        }
        guard title.utf8.count <= 200 else { throw Invalid(field: "title", message: "longer than 200 bytes") }
        guard unit.utf8.count <= 32 else { throw Invalid(field: "unit", message: "longer than 32 bytes") }
        guard !expr.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw Invalid(field: "expr", message: "empty expression")
        }
        do {
            _ = try Parser.parse(expr)
        } catch {
            throw Invalid(field: "expr", message: error.formatted(in: expr))
        }
        guard range.milliseconds > 0 else { throw Invalid(field: "range", message: "must be positive") }
        guard refresh >= Self.minimumRefresh else {
            throw Invalid(field: "refresh", message: "\(refresh) is below the minimum of 250ms")
        }
    }

    /// Reads a view from a JSON object. `id` may be absent when `defaultID` gives one; `chart`
    /// defaults to `line`, `range` to `1h`, `refresh` to `5s`.
    public static func decode(_ bytes: [UInt8], defaultID: String? = nil) throws(Invalid) -> DashboardView {
        let object: [String: Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
                throw Invalid(field: "", message: "a view must be a JSON object")
            }
            object = parsed
        } catch let error as Invalid {
            throw error
        } catch {
            throw Invalid(field: "", message: "invalid JSON: \(error.localizedDescription)")
        }
        let known: Set<String> = ["id", "title", "expr", "chart", "unit", "range", "refresh"]
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw Invalid(field: unknown, message: "unknown field; fields are \(known.sorted().joined(separator: ", "))")
        }
        func text(_ name: String) throws(Invalid) -> String? {
            guard let value = object[name], !(value is NSNull) else { return nil }
            guard let string = value as? String else { throw Invalid(field: name, message: "must be a string") }
            return string
        }
        func duration(_ name: String, _ fallback: Int64) throws(Invalid) -> PromDuration {
            guard let value = try text(name) else { return PromDuration(milliseconds: fallback) }
            guard let parsed = PromDuration(value) else {
                throw Invalid(field: name, message: "\"\(value)\" is not a duration (e.g. 250ms, 5s, 1h)")
            }
            return parsed
        }
        guard let expr = try text("expr") else { throw Invalid(field: "expr", message: "missing") }
        guard let id = try text("id") ?? defaultID else { throw Invalid(field: "id", message: "missing") }
        let chartName = try text("chart") ?? "line"
        guard let chart = Chart(rawValue: chartName) else {
            let names = Chart.allCases.map(\.rawValue).joined(separator: ", ")
            throw Invalid(field: "chart", message: "\"\(chartName)\" is not one of \(names)")
        }
        return try DashboardView(
            id: id, title: try text("title"), expr: expr, chart: chart, unit: try text("unit") ?? "",
            range: try duration("range", 3_600_000), refresh: try duration("refresh", 5000))
    }

    /// The view as a JSON object.
    public var json: String {
        "{\"id\":\(APIFormat.string(id)),\"title\":\(APIFormat.string(title)),\"expr\":\(APIFormat.string(expr)),"
            + "\"chart\":\"\(chart.rawValue)\",\"unit\":\(APIFormat.string(unit)),\"range\":\"\(range)\","
            + "\"refresh\":\"\(refresh)\"}"
    }
}
