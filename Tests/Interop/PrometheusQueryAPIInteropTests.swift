import Foundation
import TestSupport
import Testing

/// telemetryd's PromQL API against a real Prometheus 2.42: for queries whose answer does not
/// depend on stored data, and for every kind of bad parameter, both servers answer the same
/// status and the same JSON (compared after decoding).
@Suite("Prometheus query API against a real Prometheus", .enabled(if: peerAvailable("prometheus")))
struct PrometheusQueryAPIInteropTests {
    static let requests: [String] = [
        "/api/v1/query?query=vector(1)&time=1700000000.5", "/api/v1/query?query=1.5e21&time=1700000000",
        "/api/v1/query?query=0.0000001&time=1700000000", "/api/v1/query?query=-Inf&time=1700000000",
        "/api/v1/query?query=\"text\"&time=1700000000.123",
        "/api/v1/query?query=label_replace(vector(1),\"a\",\"b\\\"c\",\"\",\"\")&time=1700000000",
        "/api/v1/query?query=time()&time=2023-11-14T22:13:20.25Z", "/api/v1/query?query=nothing_here&time=1700000000",
        "/api/v1/query_range?query=vector(2)*3&start=1700000000&end=1700000060&step=15",
        "/api/v1/query_range?query=time()&start=1700000000&end=1700000002&step=0.5",
        "/api/v1/query_range?query=vector(1)&start=1700000000&end=1700000060&step=1m",
        "/api/v1/query?query=1+", "/api/v1/query?query=vector(1)&time=soon",
        "/api/v1/query_range?query=vector(1)&start=1700000060&end=1700000000&step=15",
        "/api/v1/query_range?query=vector(1)&start=1700000000&end=1700000060&step=0",
        "/api/v1/query_range?query=vector(1)&start=1700000000&end=1700100000&step=1",
        "/api/v1/query_range?query=vector(1)&start=1700000000&end=1700000060&step=often",
        "/api/v1/query_range?query=vector(1)&end=1700000060&step=15",
        "/api/v1/query_range?query=foo[5m]&start=1700000000&end=1700000060&step=15",
        "/api/v1/query?query=holt_winters(vector(1)[5m:1m],2,0.5)&time=1700000000",
        "/api/v1/series", "/api/v1/series?match[]=up{", "/api/v1/label/0bad/values",
    ]

    @Test func answersMatchPrometheus() async throws {
        let prometheus = try PrometheusProcess(binary: try requirePeer("prometheus"), scraping: "127.0.0.1:1")
        defer { prometheus.stop() }
        let service = try await startServiceWithSampleMetrics()
        let (ours, theirs) = (service.boundAddress.port, prometheus.port)
        let answers = try await blocking { () throws -> [(RawHTTPResponse, RawHTTPResponse)] in
            _ = prometheus.waitFor { try RawHTTPClient(port: theirs).send("GET", "/-/ready").status == 200 ? true : nil }
            return try Self.requests.map { path in
                let encoded = path.replacingOccurrences(of: "\"", with: "%22").replacingOccurrences(of: "+", with: "%2B")
                    .replacingOccurrences(of: "[]", with: "%5B%5D").replacingOccurrences(of: "{", with: "%7B")
                    .replacingOccurrences(of: "\\", with: "%5C").replacingOccurrences(of: "[5m", with: "%5B5m")
                    .replacingOccurrences(of: "m]", with: "m%5D")
                return (try RawHTTPClient(port: ours).send("GET", encoded), try RawHTTPClient(port: theirs).send("GET", encoded))
            }
        }
        for (path, (mine, reference)) in zip(Self.requests, answers) {
            #expect(mine.status == reference.status, "\(path): \(mine.text) vs \(reference.text)")
            let expected = try JSONSerialization.jsonObject(with: Data(reference.body)) as? NSDictionary
            let actual = try JSONSerialization.jsonObject(with: Data(mine.body)) as? NSDictionary
            #expect(actual == expected, "\(path): \(mine.text) vs \(reference.text)")
        }
        // Status endpoints: the same shape (keys) as Prometheus's; rules and alerts empty
        // until the rules engine exists.
        let status = try await blocking { () throws -> [(RawHTTPResponse, RawHTTPResponse)] in
            try ["/api/v1/status/runtimeinfo", "/api/v1/rules", "/api/v1/alerts", "/api/v1/metadata?metric=nothing"].map {
                (try RawHTTPClient(port: ours).send("GET", $0), try RawHTTPClient(port: theirs).send("GET", $0))
            }
        }
        for (mine, reference) in status {
            let ourData = (try JSONSerialization.jsonObject(with: Data(mine.body)) as? [String: Any])?["data"] as? [String: Any]
            let theirData = (try JSONSerialization.jsonObject(with: Data(reference.body)) as? [String: Any])?["data"] as? [String: Any]
            #expect(ourData.map { Set($0.keys) } == theirData.map { Set($0.keys) }, "\(mine.text) vs \(reference.text)")
        }
        let metadata = try await blocking {
            try RawHTTPClient(port: ours).send("GET", "/api/v1/metadata?metric=telemetryd_http_requests_total")
        }
        let entry = ((try JSONSerialization.jsonObject(with: Data(metadata.body)) as? [String: Any])?["data"] as? [String: Any])?[
            "telemetryd_http_requests_total"] as? [[String: String]]
        #expect(entry?.first?["type"] == "counter")
        #expect(entry?.first?["help"] == "HTTP requests answered, by handler, method and status code.")
        // Exemplars of the selected series, in Prometheus's shape, for Grafana's trace links.
        let now = Date().timeIntervalSince1970
        let exemplars = try await blocking {
            try RawHTTPClient(port: ours).send(
                "GET", "/api/v1/query_exemplars?query=\("rate(shop_orders_total[5m])".urlQueryEncoded)&start=\(now - 600)&end=\(now + 60)")
        }
        let list = try #require((try JSONSerialization.jsonObject(with: Data(exemplars.body)) as? [String: Any])?["data"] as? [[String: Any]])
        #expect(list.count == 1)
        #expect((list.first?["seriesLabels"] as? [String: String])?["__name__"] == "shop_orders_total")
        let first = (list.first?["exemplars"] as? [[String: Any]])?.first
        #expect((first?["labels"] as? [String: String])?["trace_id"] == sampleTraceID)
        #expect(first?["value"] as? String == "1")
        #expect(first?["timestamp"] is NSNumber)
        await service.stop()
    }
}
