import Foundation
import TelemetryServer
import TestSupport
import Testing

private func data(_ response: RawHTTPResponse) throws -> Any? {
    (try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])?["data"]
}

/// The metric history samples telemetryd's own `/metrics` and answers PromQL over it.
@Suite("Metric history and PromQL API over a real socket")
struct MetricHistoryTests {
    @Test func sampledMetricsAreQueryableAndGoStaleWhenTheyDisappear() async throws {
        let service = try await startService { $0.historyInterval = PrometheusDuration(milliseconds: 100) }
        let port = service.boundAddress.port
        let gauge = try service.registry.gauge(name: "history_probe", help: "A test gauge.", labelNames: ["room"])
        try gauge.labels("kitchen").set(21.5)
        try gauge.labels("hall").set(19)
        let before = Date().timeIntervalSince1970
        let (instant, sum, range, series, labels, values) = try await blocking {
            let client = try RawHTTPClient(port: port)
            let deadline = Date().addingTimeInterval(30)
            var instant = try client.send("GET", "/api/v1/query?query=history_probe%7Broom%3D%22kitchen%22%7D")
            while Date() < deadline, ((try data(instant) as? [String: Any])?["result"] as? [Any])?.isEmpty ?? true {
                Thread.sleep(forTimeInterval: 0.1)
                instant = try client.send("GET", "/api/v1/query?query=history_probe%7Broom%3D%22kitchen%22%7D")
            }
            // Wait for a few more samples (the sampler may be held up on a loaded machine).
            var range: RawHTTPResponse
            repeat {
                Thread.sleep(forTimeInterval: 0.1)
                let now = Date().timeIntervalSince1970
                range = try client.send("GET", "/api/v1/query_range?query=history_probe&start=\(before)&end=\(now)&step=0.1")
                let values = ((try data(range) as? [String: Any])?["result"] as? [[String: Any]])?.first?["values"] as? [Any]
                if (values?.count ?? 0) >= 3 { break }
            } while Date() < deadline
            return (
                instant, try client.send("GET", "/api/v1/query?query=sum(history_probe)"), range,
                try client.send("GET", "/api/v1/series?match%5B%5D=history_probe"),
                try client.send("GET", "/api/v1/labels?match%5B%5D=history_probe"),
                try client.send("GET", "/api/v1/label/room/values")
            )
        }
        let result = try #require((try data(instant) as? [String: Any])?["result"] as? [[String: Any]])
        #expect(result.first?["metric"] as? [String: String] == ["__name__": "history_probe", "room": "kitchen"])
        #expect((result.first?["value"] as? [Any])?.last as? String == "21.5")
        #expect((((try data(sum) as? [String: Any])?["result"] as? [[String: Any]])?.first?["value"] as? [Any])?.last as? String == "40.5")
        let matrix = try #require((try data(range) as? [String: Any])?["result"] as? [[String: Any]])
        #expect(matrix.count == 2)
        #expect(((matrix.first?["values"] as? [Any])?.count ?? 0) >= 3, "several steps sampled")
        #expect((try data(series) as? [[String: String]])?.count == 2)
        #expect(try data(labels) as? [String] == ["__name__", "room"])
        #expect((try data(values) as? [String])?.contains("kitchen") == true)
        // Removing the family marks its series stale at the next round: gone at once, not
        // after five minutes of lookback.
        #expect(service.registry.unregister(name: "history_probe"))
        let gone = try await blocking { () throws -> Bool in
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline {
                let response = try RawHTTPClient(port: port).send("GET", "/api/v1/query?query=history_probe")
                if ((try data(response) as? [String: Any])?["result"] as? [Any])?.isEmpty == true { return true }
                Thread.sleep(forTimeInterval: 0.1)
            }
            return false
        }
        #expect(gone)
        await service.stop()
    }

    @Test func ownMetricsAreInTheHistoryWithTheirTypesSuffixes() async throws {
        let service = try await startService { $0.historyInterval = PrometheusDuration(milliseconds: 100) }
        let port = service.boundAddress.port
        let answer = try await blocking { () throws -> RawHTTPResponse in
            let client = try RawHTTPClient(port: port)
            _ = try client.send("GET", "/-/healthy")
            let query = "/api/v1/query?query=telemetryd_http_request_duration_seconds_count%7Bhandler%3D%22%2F-%2Fhealthy%22%7D"
            let deadline = Date().addingTimeInterval(30)
            var response = try client.send("GET", query)
            while Date() < deadline, ((try data(response) as? [String: Any])?["result"] as? [Any])?.isEmpty ?? true {
                Thread.sleep(forTimeInterval: 0.1)
                response = try client.send("GET", query)
            }
            return response
        }
        let result = try #require((try data(answer) as? [String: Any])?["result"] as? [[String: Any]])
        #expect(result.count == 1)
        #expect(Double(((result.first?["value"] as? [Any])?.last as? String) ?? "") ?? 0 >= 1)
        // The history and the engine report on themselves.
        let metrics = metricSamples(try await blocking { try RawHTTPClient(port: port).send("GET", "/metrics").text })
        #expect(try #require(metrics["telemetryd_history_series"]) > 10)
        #expect(try #require(metrics["telemetryd_history_samples_appended_total"]) > 10)
        #expect(try #require(metrics["telemetryd_query_duration_seconds_count{endpoint=\"query\"}"]) >= 1)
        await service.stop()
    }
}
