import Foundation
import TestSupport
import Testing

/// Alert state survives `kill -9`: a firing alert is still firing after the restart with its
/// original `activeAt`, a pending one keeps its `activeAt` (so it fires at the original
/// deadline).
@Suite("Alert state across kill -9")
struct AlertRestartTests {
    private func alerts(_ port: UInt16) throws -> [String: [String: Any]] {
        let list = try listedAlerts(port: port)
        var byName: [String: [String: Any]] = [:]
        for alert in list { byName[(alert["labels"] as? [String: String])?["alertname"] ?? ""] = alert }
        return byName
    }

    private func summary(_ port: UInt16) throws -> [String: String] {
        try alerts(port).mapValues { "\($0["state"] as? String ?? "?") since \($0["activeAt"] as? String ?? "?")" }
    }

    @Test func firingAndPendingAlertsResumeAfterKill9() async throws {
        let storage = FileManager.default.temporaryDirectory.appendingPathComponent("alerts-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: storage, withIntermediateDirectories: true)
        let rules = storage + "/rules.yml"
        try """
            groups:
              - name: restart
                interval: 1s
                rules:
                  - alert: Fires
                    expr: count(telemetryd_build_info) == 1
                    for: 2s
                  - alert: Waits
                    expr: count(telemetryd_build_info) == 1
                    for: 1h
            """.write(toFile: rules, atomically: true, encoding: .utf8)
        let arguments = ["--history.interval", "200ms", "--rules.file", rules]
        let (first, port) = try await launchTelemetryd(storage: storage + "/data", arguments: arguments)
        let before = try await blocking { [self] () throws -> [String: String] in
            let deadline = Date().addingTimeInterval(40)
            while Date() < deadline {
                let now = try summary(port)
                if now["Fires"]?.hasPrefix("firing") == true, now["Waits"]?.hasPrefix("pending") == true { return now }
                Thread.sleep(forTimeInterval: 0.2)
            }
            return try summary(port)
        }
        #expect(before["Fires"]?.hasPrefix("firing") == true, "\(before)")
        #expect(before["Waits"]?.hasPrefix("pending") == true, "\(before)")
        // Let one more evaluation save the state, then kill without warning.
        try await Task.sleep(for: .milliseconds(1500))
        kill(first.processIdentifier, SIGKILL)
        try await blocking { first.waitUntilExit() }

        let (second, again) = try await launchTelemetryd(storage: storage + "/data", arguments: arguments)
        defer { second.terminate() }
        let right = try await blocking { [self] in try summary(again) }
        #expect(right == before, "at once after the restart")
        try await Task.sleep(for: .milliseconds(2500))
        let later = try await blocking { [self] in try summary(again) }
        #expect(later == before, "after evaluations: no fall back to pending, no new activeAt")
    }

    /// `keep_firing_for` holds across `kill -9`: an alert whose condition cleared before the
    /// restart is still firing after it, with the same `keepFiringSince` (Prometheus forgets it).
    @Test func keepFiringForHoldsAcrossKill9() async throws {
        let storage = FileManager.default.temporaryDirectory.appendingPathComponent("keep-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: storage, withIntermediateDirectories: true)
        let rules = storage + "/rules.yml"
        let until = Int(Date().timeIntervalSince1970) + 6
        try """
            groups:
              - name: keep
                interval: 500ms
                rules:
                  - alert: Held
                    expr: vector(time()) < \(until)
                    keep_firing_for: 1h
            """.write(toFile: rules, atomically: true, encoding: .utf8)
        let arguments = ["--rules.file", rules]
        let (first, port) = try await launchTelemetryd(storage: storage + "/data", arguments: arguments)
        // Wait until the condition has cleared and keep_firing_for holds the alert.
        @Sendable func held(_ port: UInt16) throws -> [String: String]? {
            try alerts(port)["Held"].map { alert in
                ["state", "keepFiringSince", "activeAt"].reduce(into: [String: String]()) { $0[$1] = alert[$1] as? String }
            }
        }
        let heldNow = try await blocking { () throws -> [String: String]? in
            let deadline = Date().addingTimeInterval(40)
            while Date() < deadline {
                if let alert = try held(port), alert["keepFiringSince"] != nil { return alert }
                Thread.sleep(forTimeInterval: 0.2)
            }
            return nil
        }
        let before = try #require(heldNow)
        #expect(before["state"] == "firing")
        try await Task.sleep(for: .milliseconds(1200))
        kill(first.processIdentifier, SIGKILL)
        try await blocking { first.waitUntilExit() }

        let (second, again) = try await launchTelemetryd(storage: storage + "/data", arguments: arguments)
        defer { second.terminate() }
        try await Task.sleep(for: .milliseconds(1500))
        let after = try await blocking { try held(again) }
        #expect(after?["state"] == "firing", "still held after the restart")
        #expect(after?["keepFiringSince"] == before["keepFiringSince"])
        #expect(after?["activeAt"] == before["activeAt"])
    }
}
