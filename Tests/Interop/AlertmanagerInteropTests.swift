import Foundation
import TestSupport
import Testing

/// telemetryd's alerts through a real Alertmanager (Debian's `prometheus-alertmanager`) over API
/// v2, and through telemetryd's own webhook grouping, to one webhook recorder: the alert reaches
/// Alertmanager (`GET /api/v2/alerts`), fires then resolves through it, and the payload
/// telemetryd builds itself matches the one Alertmanager delivers field for field.
@Suite("Alertmanager", .enabled(if: peerAvailable("prometheus-alertmanager")))
struct AlertmanagerInteropTests {
    /// A JSON value as canonical text (keys sorted), to compare values of any shape.
    private static func canonical(_ value: Any?) -> String {
        guard let value, let data = try? JSONSerialization.data(withJSONObject: [value], options: [.sortedKeys]) else { return "nil" }
        return String(decoding: data, as: UTF8.self)
    }

    @Test func alertsFireAndResolveThroughAlertmanagerAndTheWebhookPayloadsAgree() async throws {
        let binary = try requirePeer("prometheus-alertmanager")
        let recorder = try WebhookRecorder()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("am-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let amPort = freeLoopbackPort()
        try """
            route:
              receiver: hook
              group_by: [alertname]
              group_wait: 1s
              group_interval: 1s
              repeat_interval: 1h
            receivers:
              - name: hook
                webhook_configs:
                  - url: http://127.0.0.1:\(recorder.port)/alertmanager
                    send_resolved: true
            """.write(to: directory.appendingPathComponent("am.yml"), atomically: true, encoding: .utf8)
        let alertmanager = ChildProcess()
        alertmanager.executableURL = URL(fileURLWithPath: binary)
        alertmanager.arguments = [
            "--config.file=\(directory.appendingPathComponent("am.yml").path)",
            "--storage.path=\(directory.appendingPathComponent("am-data").path)",
            "--web.listen-address=127.0.0.1:\(amPort)", "--cluster.listen-address=", "--log.level=warn",
        ]
        alertmanager.standardOutput = FileHandle.nullDevice
        alertmanager.standardError = FileHandle.nullDevice
        try alertmanager.run()
        defer {
            // Not waited for: a test must not hold one of the Swift pool's threads.
            alertmanager.terminate()
        }

        // The alert fires while a reload has failed: a broken extra file raises it, a fixed one
        // resolves it (the group holding the alert is unchanged, so its state carries over).
        let rules = directory.appendingPathComponent("rules")
        try FileManager.default.createDirectory(at: rules, withIntermediateDirectories: true)
        try """
            groups:
              - name: main
                interval: 1s
                rules:
                  - alert: ReloadBroken
                    expr: telemetryd_config_last_reload_successful == 0
                    labels: {severity: page}
                    annotations: {summary: 'reload failed ({{ $value }})'}
            """.write(to: rules.appendingPathComponent("main.yml"), atomically: true, encoding: .utf8)
        let extra = rules.appendingPathComponent("extra.yml")
        try "groups: []\n".write(to: extra, atomically: true, encoding: .utf8)
        let config = """
            global:
              external_labels: {cluster: test}
            history:
              interval: 200ms
            rule_files: ['\(rules.path)/*.yml']
            alerting:
              resend_delay: 1s
              alertmanagers:
                - url: http://127.0.0.1:\(amPort)
              webhooks:
                - name: direct
                  url: http://127.0.0.1:\(recorder.port)/direct
                  group_by: [alertname]
                  group_wait: 1s
                  group_interval: 1s
            """
        let storage = directory.appendingPathComponent("telemetryd").path
        let (telemetryd, port) = try await launchTelemetryd(storage: storage, config: config, arguments: ["--web.external-url", "http://telemetry.test:4318/"])
        defer {
            // Not waited for: a test must not hold one of the Swift pool's threads.
            telemetryd.terminate()
        }

        try "groups: [\n".write(to: extra, atomically: true, encoding: .utf8)
        let broken = try await blocking { try RawHTTPClient(port: port).send("POST", "/-/reload") }
        #expect(broken.status == 500)
        let firing = try await blocking {
            recorder.wait(upTo: 30) { deliveries in
                Set(deliveries.map(\.path)).isSuperset(of: ["/alertmanager", "/direct"])
            }
        }
        let viaAlertmanager = try #require(firing.first { $0.path == "/alertmanager" }?.json as? [String: Any])
        let direct = try #require(firing.first { $0.path == "/direct" }?.json as? [String: Any])

        // Alertmanager holds the alert as telemetryd sent it.
        let heldBody = try await blocking { try RawHTTPClient(port: amPort).send("GET", "/api/v2/alerts").body }
        let held = try JSONSerialization.jsonObject(with: Data(heldBody)) as? [[String: Any]]
        let alert = try #require(held?.first)
        #expect(alert["labels"] as? [String: String] == ["alertname": "ReloadBroken", "severity": "page", "cluster": "test"])
        #expect(alert["annotations"] as? [String: String] == ["summary": "reload failed (0)"])
        #expect((alert["generatorURL"] as? String)?.hasPrefix("http://telemetry.test:4318/graph?g0.expr=") == true)
        #expect((alert["status"] as? [String: Any])?["state"] as? String == "active")

        // The payload telemetryd builds is Alertmanager's: same fields, types and values (but
        // the receiver's name), the same group key and alert fingerprint.
        #expect(Set(direct.keys) == Set(viaAlertmanager.keys))
        for key in ["version", "groupKey", "status", "groupLabels", "commonLabels", "commonAnnotations", "truncatedAlerts"] {
            #expect(Self.canonical(direct[key]) == Self.canonical(viaAlertmanager[key]), "\(key)")
        }
        let ourAlert = try #require((direct["alerts"] as? [[String: Any]])?.first)
        let theirAlert = try #require((viaAlertmanager["alerts"] as? [[String: Any]])?.first)
        #expect(Set(ourAlert.keys) == Set(theirAlert.keys))
        for key in ["status", "labels", "annotations", "startsAt", "endsAt", "generatorURL", "fingerprint"] {
            #expect(Self.canonical(ourAlert[key]) == Self.canonical(theirAlert[key]), "alerts[0].\(key)")
        }
        #expect(theirAlert["endsAt"] as? String == "0001-01-01T00:00:00Z")

        // Fixed: the alert resolves, through Alertmanager and directly.
        try "groups: []\n".write(to: extra, atomically: true, encoding: .utf8)
        let fixed = try await blocking { try RawHTTPClient(port: port).send("POST", "/-/reload") }
        #expect(fixed.status == 200)
        let resolved = try await blocking {
            recorder.wait(upTo: 30) { deliveries in
                ["/alertmanager", "/direct"].allSatisfy { path in
                    deliveries.contains { $0.path == path && ($0.json as? [String: Any])?["status"] as? String == "resolved" }
                }
            }
        }
        for path in ["/alertmanager", "/direct"] {
            let statuses = resolved.filter { $0.path == path }.compactMap { ($0.json as? [String: Any])?["status"] as? String }
            #expect(statuses.first == "firing" && statuses.last == "resolved", "\(path): \(statuses)")
        }
        let lastDirect = try #require(resolved.last { $0.path == "/direct" }?.json as? [String: Any])
        let resolvedAlert = try #require((lastDirect["alerts"] as? [[String: Any]])?.first)
        #expect(resolvedAlert["status"] as? String == "resolved")
        #expect(resolvedAlert["endsAt"] as? String != "0001-01-01T00:00:00Z")
        await recorder.stop()
    }
}
