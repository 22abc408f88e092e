import Foundation
import HTTPServer
import PromQL

/// `/api/v1/rules` (`type=alert|record`) and `/api/v1/alerts` in Prometheus's JSON shapes.
struct PrometheusRulesAPI: Sendable {
    let rules: RulesManager

    func add(to router: inout Router) {
        let api = self
        router.add(Route("GET", "/api/v1/rules", handler: .immediate { request in api.rulesPage(request) }))
        router.add(Route("GET", "/api/v1/alerts", handler: .immediate { _ in api.alertsPage() }))
    }

    func rulesPage(_ request: HTTPRequest) -> HTTPResponse {
        let type = request.queryValue("type") ?? ""
        guard ["", "alert", "record"].contains(type) else {
            return APIEnvelope.error("bad_data", "invalid query parameter type=\(type)")
        }
        let groups = rules.groups.map { group -> String in
            let state = group.state.withLock { $0 }
            let entries = state.rules.compactMap { rule -> String? in
                switch rule.rule {
                case .recording(let recording):
                    guard type != "alert" else { return nil }
                    return Self.object([
                        ("name", APIFormat.string(recording.name)), ("query", APIFormat.string(recording.expr.description)),
                        ("labels", Self.map(recording.labels)),
                    ] + Self.health(rule) + [("type", "\"recording\"")])
                case .alerting(let alerting):
                    guard type != "record" else { return nil }
                    let alerts = alerting.active.values.filter { $0.state != .inactive }.sorted { $0.labels < $1.labels }
                    let ruleState = alerts.contains { $0.state == .firing } ? "firing" : alerts.isEmpty ? "inactive" : "pending"
                    return Self.object([
                        ("state", "\"\(ruleState)\""), ("name", APIFormat.string(alerting.name)),
                        ("query", APIFormat.string(alerting.expr.description)),
                        ("duration", APIFormat.plain(Double(alerting.holdFor) / 1000)),
                        ("keepFiringFor", APIFormat.plain(Double(alerting.keepFiringFor) / 1000)),
                        ("labels", Self.map(alerting.labels)), ("annotations", Self.map(alerting.annotations)),
                        ("alerts", "[" + alerts.map(Self.alert).joined(separator: ",") + "]"),
                    ] + Self.health(rule) + [("type", "\"alerting\"")])
                }
            }
            return Self.object([
                ("name", APIFormat.string(group.name)), ("file", APIFormat.string(group.file)),
                ("rules", "[" + entries.joined(separator: ",") + "]"),
                ("interval", APIFormat.plain(Double(group.interval) / 1000)), ("limit", String(group.limit)),
                ("evaluationTime", APIFormat.plain(state.evaluationSeconds)),
                ("lastEvaluation", Self.time(state.lastEvaluation)),
            ])
        }
        return APIEnvelope.success("{\"groups\":[" + groups.joined(separator: ",") + "]}")
    }

    func alertsPage() -> HTTPResponse {
        var alerts: [Alert] = []
        for group in rules.groups {
            for rule in group.state.withLock({ $0.rules }) {
                if case .alerting(let alerting) = rule.rule { alerts += alerting.firingOrPending }
            }
        }
        return APIEnvelope.success("{\"alerts\":[" + alerts.map(Self.alert).joined(separator: ",") + "]}")
    }

    private static func alert(_ alert: Alert) -> String {
        var fields = [
            ("labels", APIFormat.labels(alert.labels)), ("annotations", map(alert.annotations)),
            ("state", "\"\(alert.state.rawValue)\""), ("activeAt", time(alert.activeAt)),
        ]
        if let since = alert.keepFiringSince { fields.append(("keepFiringSince", time(since))) }
        fields.append(("value", APIFormat.string(GoQuote.formatFloat(alert.value, exponentForm: true))))
        return object(fields)
    }

    private static func health(_ rule: RuleGroup.RuleState) -> [(String, String)] {
        var fields = [("health", rule.lastEvaluation == nil ? "\"unknown\"" : rule.lastError == nil ? "\"ok\"" : "\"err\"")]
        if let error = rule.lastError { fields.append(("lastError", APIFormat.string(error))) }
        fields += [("evaluationTime", APIFormat.plain(rule.evaluationSeconds)), ("lastEvaluation", time(rule.lastEvaluation))]
        return fields
    }

    private static func object(_ fields: [(String, String)]) -> String {
        "{" + fields.map { "\(APIFormat.string($0.0)):\($0.1)" }.joined(separator: ",") + "}"
    }

    private static func map(_ values: [String: String]) -> String {
        object(values.sorted { $0.key < $1.key }.map { ($0.key, APIFormat.string($0.value)) })
    }

    /// Go's `time.Time` in JSON (RFC 3339, fraction without trailing zeros), or its zero time.
    static func time(_ milliseconds: Int64?) -> String {
        guard let milliseconds else { return "\"0001-01-01T00:00:00Z\"" }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        let seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        var text = formatter.string(from: Date(timeIntervalSince1970: Double(seconds)))
        let fraction = milliseconds - seconds * 1000
        if fraction != 0 {
            var digits = String(format: "%03d", fraction)
            while digits.hasSuffix("0") { digits.removeLast() }
            text = String(text.dropLast()) + "." + digits + "Z"
        }
        return "\"\(text)\""
    }
}
