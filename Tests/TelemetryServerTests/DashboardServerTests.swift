import Foundation
import Telemetry
import TelemetryServer
import TestSupport
import Testing

/// The dashboard embedded in an application (`DashboardServer`) and the dashboard-demo example.
@Suite("Embedded dashboard")
struct DashboardServerTests {
    @Test func anApplicationServesItsOwnDashboardMetricsAndQueries() async throws {
        let registry = MetricRegistry()
        let depth = try registry.gauge(name: "queue_depth", help: "Items waiting.")
        depth.set(5)
        let dashboard = try await DashboardServer.start(port: 0, registry: registry)
        let port = dashboard.port
        let view = try await dashboard.registerView(metric: "queue_depth", chart: .stat, refresh: .init(milliseconds: 60_000))
        #expect(view.id == "queue_depth-stat")
        let client = try await blocking {
            let client = try EventStreamClient(port: port, path: "/api/v1/events?topics=views")
            try client.readHead()
            return client
        }
        // The view refreshes once a minute: only updateDisplay() can bring the new value now.
        try await Task.sleep(for: .milliseconds(300))
        depth.set(17)
        dashboard.updateDisplay()
        let value = try await blocking { [client] () throws -> String in
            while true {
                let event = try client.nextEvent(timeout: 5)
                guard event.data.contains("\"queue_depth-stat\""), event.data.contains("\"17\"") || event.data.contains("\"5\"") else { continue }
                if event.data.contains("\"17\"") { return "17" }
            }
        }
        #expect(value == "17")
        let (index, metrics, query) = try await blocking {
            let http = try RawHTTPClient(port: port)
            return (
                try http.send("GET", "/"), try http.send("GET", "/metrics"),
                try http.send("GET", "/api/v1/query?query=queue_depth")
            )
        }
        #expect(index.status == 200)
        #expect(index.text.contains("<title>Telemetry</title>"))
        #expect(metricSamples(metrics.text)["queue_depth"] == 17)
        #expect(query.status == 200)
        #expect(query.text.contains("\"resultType\":\"vector\""))
        await dashboard.stop()
    }

    @Test func theDemoPushesChangingValuesTenTimesASecond() async throws {
        let port = freeLoopbackPort()
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: try builtProduct("dashboard-demo"))
        process.arguments = [String(port), "20"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { process.terminate() }
        let values = try await blocking { () throws -> [String] in
            var client: EventStreamClient?
            for _ in 0..<200 where client == nil {
                if let candidate = try? EventStreamClient(port: port, path: "/api/v1/events?topics=views") {
                    try candidate.readHead()
                    if candidate.status == 200 { client = candidate }
                } else {
                    Thread.sleep(forTimeInterval: 0.1)
                }
            }
            guard let client else { return [] }
            var values: [String] = []
            let deadline = Date().addingTimeInterval(2)
            while Date() < deadline {
                let event = try client.nextEvent(timeout: 2)
                guard event.data.contains("\"id\":\"queue_depth-stat\""),
                    let object = try JSONSerialization.jsonObject(with: Data(event.data.utf8)) as? [String: Any],
                    let result = (object["result"] as? [String: Any])?["result"] as? [[String: Any]],
                    let value = (result.first?["value"] as? [Any])?[1] as? String
                else { continue }
                values.append(value)
            }
            return values
        }
        // updateDisplay() every 100 ms: about 20 points in 2 s, and the queue moves.
        #expect(values.count >= 10, "\(values)")
        #expect(Set(values).count >= 3, "\(values)")
    }
}
