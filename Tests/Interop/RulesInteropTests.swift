import Foundation
import TestSupport
import Testing

/// The same rule file in telemetryd and in a real Prometheus 2.42 scraping telemetryd: the
/// alerts both report (name, state, labels, annotations) must be the same.
@Suite("Alerts against a real Prometheus", .enabled(if: peerAvailable("prometheus")))
struct RulesInteropTests {
    private func alerts(_ port: UInt16) throws -> Set<String> {
        return Set(try listedAlerts(port: port).map { alert in
            let labels = (alert["labels"] as? [String: String] ?? [:]).sorted { $0.key < $1.key }
            let annotations = (alert["annotations"] as? [String: String] ?? [:]).sorted { $0.key < $1.key }
            return "\(alert["state"] as? String ?? "?") \(labels) \(annotations) \(alert["value"] as? String ?? "")"
        })
    }

    @Test func bothReportTheSameAlerts() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rules-interop-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let rules = directory + "/rules.yml"
        try """
            groups:
              - name: compare
                interval: 1s
                rules:
                  - record: build:count
                    expr: count(telemetryd_build_info)
                  - alert: Fires
                    expr: build:count == 1
                    for: 2s
                    labels: {severity: page}
                    # $labels are the series' labels, not the rule's: severity expands to nothing.
                    annotations: {summary: "{{ $value }} build, severity '{{ $labels.severity }}'"}
                  - alert: Waits
                    expr: build:count >= 1
                    for: 1h
                  - alert: Never
                    expr: build:count > 5
                  - alert: Formats
                    expr: label_replace(build:count * 1234567.8, "host", "web-1.example:9100", "", "")
                    annotations:
                      humanize: "{{ $value | humanize }}"
                      humanize1024: "{{ $value | humanize1024 }}"
                      percentage: "{{ $value | humanizePercentage }}"
                      duration: "{{ $value | humanizeDuration }}"
                      timestamp: "{{ $value | humanizeTimestamp }}"
                      host: "{{ $labels.host | stripPort | toUpper }} {{ $labels.host | title }}"
                  - alert: Small
                    expr: build:count * 0.000123
                    annotations:
                      humanize: "{{ $value | humanize }}"
                      duration: "{{ .Value | humanizeDuration }}"
                      upper: "{{- $value | toUpper -}} !"
            """.write(toFile: rules, atomically: true, encoding: .utf8)
        let (telemetryd, port) = try await launchTelemetryd(
            storage: directory + "/data", arguments: ["--history.interval", "200ms", "--rules.file", rules])
        defer { telemetryd.terminate() }
        let prometheus = try PrometheusProcess(
            binary: try requirePeer("prometheus"), scraping: "127.0.0.1:\(port)",
            extraConfig: "rule_files: ['\(rules)']")
        defer { prometheus.stop() }
        let (ours, theirs) = try await blocking { [self] () throws -> (Set<String>, Set<String>) in
            let deadline = Date().addingTimeInterval(60)
            var ours = Set<String>()
            var theirs = Set<String>()
            while Date() < deadline {
                ours = try alerts(port)
                theirs = (try? alerts(prometheus.port)) ?? []
                if ours.count == 4, ours.contains(where: { $0.hasPrefix("firing") }), ours == theirs { break }
                Thread.sleep(forTimeInterval: 0.25)
            }
            return (ours, theirs)
        }
        #expect(ours.count == 4, "\(ours)")
        #expect(ours.contains { $0.contains("1.235M") && $0.contains("14d 6h 56m 7s") && $0.contains("WEB-1.EXAMPLE") })
        #expect(ours.contains { $0.contains("123u") && $0.contains("123us") })
        #expect(ours.contains { $0.hasPrefix("firing") && $0.contains("Fires") && $0.contains("1 build, severity") }, "\(ours)")
        #expect(ours.contains { $0.hasPrefix("pending") && $0.contains("Waits") })
        #expect(ours == theirs, "telemetryd \(ours)\nPrometheus \(theirs)")
    }
}
