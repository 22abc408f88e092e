import Foundation
import TestSupport
import Testing

/// Notifications queued for a receiver that is down survive `kill -9`: restarted without any
/// rule (so nothing can be produced afresh), telemetryd delivers every one from its queue.
@Suite("Notifications across kill -9")
struct NotificationRestartTests {
    @Test func queuedNotificationsArriveAfterKillAndRestart() async throws {
        let port = freeLoopbackPort()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("notify-kill-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let alerts = (1...5).map { "label_replace(vector(1), \"n\", \"\($0)\", \"\", \"\")" }.joined(separator: " or ")
        let rules = directory.appendingPathComponent("rules.yml").path
        try """
            groups:
              - name: always
                interval: 1s
                rules:
                  - alert: Always
                    expr: '\(alerts)'
            """.write(toFile: rules, atomically: true, encoding: .utf8)
        let config = """
            alerting:
              webhooks:
                - name: hook
                  url: http://127.0.0.1:\(port)/hook
                  group_by: ['...']
                  group_wait: 0s
                  group_interval: 1s
            """
        let storage = directory.appendingPathComponent("data").path
        let (first, firstPort) = try await launchTelemetryd(storage: storage, config: config, arguments: ["--rules.file", rules])
        let queued = try await blocking { () throws -> Double in
            let deadline = Date().addingTimeInterval(40)
            var length = 0.0
            while Date() < deadline {
                let page = try RawHTTPClient(port: firstPort).send("GET", "/metrics").text
                length = metricSamples(page)["telemetryd_notifications_queue_length"] ?? 0
                if length >= 5 { break }
                Thread.sleep(forTimeInterval: 0.2)
            }
            return length
        }
        #expect(queued >= 5, "five groups notified while the receiver is down")
        kill(first.processIdentifier, SIGKILL)
        try await blocking { first.waitUntilExit() }

        let recorder = try WebhookRecorder(port: port)
        let (second, _) = try await launchTelemetryd(storage: storage, config: config)
        defer {
            // Not waited for: a test must not hold one of the Swift pool's threads.
            second.terminate()
        }
        let delivered = try await blocking { recorder.wait(upTo: 30) { $0.count >= 5 } }
        let numbers = Set(delivered.compactMap { delivery -> String? in
            let body = delivery.json as? [String: Any]
            return ((body?["alerts"] as? [[String: Any]])?.first?["labels"] as? [String: String])?["n"]
        })
        #expect(numbers == ["1", "2", "3", "4", "5"])
        await recorder.stop()
    }
}
