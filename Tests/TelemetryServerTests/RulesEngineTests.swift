import Foundation
import TelemetryServer
import TestSupport
import Testing

private func data(_ response: RawHTTPResponse) throws -> [String: Any] {
    (try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])?["data"] as? [String: Any] ?? [:]
}

/// Rule files loaded by the server, evaluated on schedule over its own metric history, and
/// reported through Prometheus's rules and alerts API.
@Suite("Rules engine over a real socket")
struct RulesEngineTests {
    private func ruleFile(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rules-\(UUID().uuidString).yml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func recordingAndAlertingRulesRunAndAreReported() async throws {
        let file = try ruleFile("""
            groups:
              - name: self
                interval: 1s
                rules:
                  - record: telemetryd:build_info:count
                    expr: count(telemetryd_build_info)
                  - alert: AlwaysUp
                    expr: telemetryd:build_info:count == 1
                    for: 2s
                    labels: {severity: info}
                    annotations: {summary: "{{ $value }} build(s) in {{ $externalLabels.cluster }}"}
            """)
        let service = try startService {
            $0.historyInterval = PrometheusDuration(milliseconds: 200)
            $0.ruleFiles = [file]
            $0.externalLabels = ["cluster": "test"]
        }
        defer { Task { await service.stop() } }
        let port = service.boundAddress.port
        let (alertsPage, rulesPage, recorded, series) = try await blocking {
            () throws -> (RawHTTPResponse, RawHTTPResponse, RawHTTPResponse, RawHTTPResponse) in
            let deadline = Date().addingTimeInterval(20)
            var page = try RawHTTPClient(port: port).send("GET", "/api/v1/alerts")
            while Date() < deadline, !String(decoding: page.body, as: UTF8.self).contains("\"state\":\"firing\"") {
                Thread.sleep(forTimeInterval: 0.2)
                page = try RawHTTPClient(port: port).send("GET", "/api/v1/alerts")
            }
            let client = try RawHTTPClient(port: port)
            return (
                page, try client.send("GET", "/api/v1/rules"),
                try client.send("GET", "/api/v1/query?query=telemetryd%3Abuild_info%3Acount"),
                try client.send("GET", "/api/v1/query?query=ALERTS%7Balertname%3D%22AlwaysUp%22%7D")
            )
        }
        let alerts = try data(alertsPage)["alerts"] as? [[String: Any]] ?? []
        let rules = try data(rulesPage)
        let alert = try #require(alerts.first)
        #expect(alert["state"] as? String == "firing")
        #expect(alert["labels"] as? [String: String] == ["alertname": "AlwaysUp", "severity": "info"])
        #expect((alert["annotations"] as? [String: String])?["summary"] == "1 build(s) in test")
        #expect(alert["value"] as? String == "1e+00")
        let group = try #require((rules["groups"] as? [[String: Any]])?.first)
        #expect(group["name"] as? String == "self")
        #expect(group["interval"] as? Double == 1)
        let ruleList = try #require(group["rules"] as? [[String: Any]])
        #expect(ruleList.map { $0["type"] as? String } == ["recording", "alerting"])
        #expect(ruleList.map { $0["health"] as? String } == ["ok", "ok"])
        #expect(ruleList[1]["state"] as? String == "firing")
        #expect(ruleList[1]["duration"] as? Double == 2)
        let recordedText = String(decoding: recorded.body, as: UTF8.self)
        #expect(recordedText.contains("\"__name__\":\"telemetryd:build_info:count\""), "\(recordedText)")
        let seriesText = String(decoding: series.body, as: UTF8.self)
        #expect(seriesText.contains("\"alertstate\":\"firing\""), "\(seriesText)")
        // The type filter keeps one kind.
        let onlyAlerts = try data(try await blocking { try RawHTTPClient(port: port).send("GET", "/api/v1/rules?type=alert") })
        #expect(((onlyAlerts["groups"] as? [[String: Any]])?.first?["rules"] as? [Any])?.count == 1)
    }

    @Test func aBrokenRuleFileStopsStartupNamingFileAndLine() throws {
        let file = try ruleFile("groups:\n  - name: a\n    rules:\n      - alert: X\n        expr: up ==\n")
        do {
            _ = try startService { $0.ruleFiles = [file] }
            Issue.record("expected startup to fail")
        } catch {
            #expect("\(error)".contains("\(file): 5:15: group \"a\", rule 1, \"X\": could not parse expression"))
        }
    }
}
