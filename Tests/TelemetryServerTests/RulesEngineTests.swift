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
        let service = try await startService {
            $0.historyInterval = PrometheusDuration(milliseconds: 200)
            $0.ruleFiles = [file]
            $0.externalLabels = ["cluster": "test"]
        }
        defer { Task { await service.stop() } }
        let port = service.boundAddress.port
        let (alertsPage, rulesPage, recorded, series) = try await blocking {
            () throws -> (RawHTTPResponse, RawHTTPResponse, RawHTTPResponse, RawHTTPResponse) in
            let deadline = Date().addingTimeInterval(40)
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

    @Test func reloadKeepsOldRulesOnABrokenFileAndUnchangedGroupsKeepTheirAlerts() async throws {
        let first = """
            groups:
              - name: keep
                interval: 500ms
                rules:
                  - alert: Up
                    expr: count(telemetryd_build_info) == 1
            """
        let file = try ruleFile(first)
        let service = try await startService {
            $0.historyInterval = PrometheusDuration(milliseconds: 200)
            $0.ruleFiles = [file]
        }
        defer { Task { await service.stop() } }
        let port = service.boundAddress.port
        @Sendable func activeAt() throws -> String? {
            let page = try data(RawHTTPClient(port: port).send("GET", "/api/v1/alerts"))
            return (page["alerts"] as? [[String: Any]])?.first?["activeAt"] as? String
        }
        let since = try await blocking { () throws -> String? in
            let deadline = Date().addingTimeInterval(40)
            while Date() < deadline {
                if let since = try activeAt() { return since }
                Thread.sleep(forTimeInterval: 0.1)
            }
            return nil
        }
        #expect(since != nil)

        try "groups:\n  - name: keep\n    rules:\n      - alert: Up\n        expr: sum(\n".write(toFile: file, atomically: true, encoding: .utf8)
        let (broken, metricsAfterBroken, getReload) = try await blocking {
            let client = try RawHTTPClient(port: port)
            return (try client.send("POST", "/-/reload"), try client.send("GET", "/metrics"), try client.send("GET", "/-/reload"))
        }
        #expect(broken.status == 500)
        #expect(String(decoding: broken.body, as: UTF8.self).contains("failed to reload config: \(file): 5:15: group \"keep\", rule 1"))
        #expect(String(decoding: metricsAfterBroken.body, as: UTF8.self).contains("telemetryd_config_last_reload_successful 0"))
        #expect(getReload.status == 405)
        #expect(try await blocking { try activeAt() } == since, "the old rules keep running")

        try (first + "\n  - name: added\n    rules:\n      - record: r\n        expr: vector(1)\n")
            .write(toFile: file, atomically: true, encoding: .utf8)
        let (fixed, metricsAfterFix, rulesPage) = try await blocking {
            let client = try RawHTTPClient(port: port)
            return (try client.send("POST", "/-/reload"), try client.send("GET", "/metrics"), try client.send("GET", "/api/v1/rules"))
        }
        #expect(fixed.status == 200)
        #expect(String(decoding: metricsAfterFix.body, as: UTF8.self).contains("telemetryd_config_last_reload_successful 1"))
        #expect((try data(rulesPage)["groups"] as? [[String: Any]])?.map { $0["name"] as? String } == ["keep", "added"])
        #expect(try await blocking { try activeAt() } == since, "an unchanged group keeps its alerts")
    }

    @Test func sighupReloadsTheRuleFiles() async throws {
        let file = try ruleFile("groups:\n  - name: one\n    rules:\n      - record: a\n        expr: vector(1)\n")
        let storage = FileManager.default.temporaryDirectory.appendingPathComponent("hup-\(UUID().uuidString)").path
        let (process, port) = try await launchTelemetryd(storage: storage, arguments: ["--rules.file", file])
        defer { process.terminate() }
        try "groups:\n  - name: one\n    rules: []\n  - name: two\n    rules: []\n".write(toFile: file, atomically: true, encoding: .utf8)
        kill(process.processIdentifier, SIGHUP)
        let names = try await blocking { () throws -> [String] in
            let deadline = Date().addingTimeInterval(30)
            var names: [String] = []
            while Date() < deadline {
                let page = try RawHTTPClient(port: port).send("GET", "/api/v1/rules")
                let groups = (try JSONSerialization.jsonObject(with: Data(page.body)) as? [String: Any])
                    .flatMap { ($0["data"] as? [String: Any])?["groups"] as? [[String: Any]] } ?? []
                names = groups.compactMap { $0["name"] as? String }
                if names.count == 2 { break }
                Thread.sleep(forTimeInterval: 0.1)
            }
            return names
        }
        #expect(names == ["one", "two"])
        #expect(process.isRunning)
    }

    @Test func aBrokenRuleFileStopsStartupNamingFileAndLine() async throws {
        let file = try ruleFile("groups:\n  - name: a\n    rules:\n      - alert: X\n        expr: up ==\n")
        do {
            _ = try await startService { $0.ruleFiles = [file] }
            Issue.record("expected startup to fail")
        } catch {
            #expect("\(error)".contains("\(file): 5:15: group \"a\", rule 1, \"X\": could not parse expression"))
        }
    }
}
