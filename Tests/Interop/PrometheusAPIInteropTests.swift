import Foundation
import TestSupport
import Testing

/// telemetryd's `/api/v1/format_query` and `/api/v1/status/buildinfo` answer with the JSON a
/// real Prometheus 2.42 gives (compared after decoding, GET and POST alike).
@Suite("Prometheus API against a real Prometheus", .enabled(if: peerAvailable("prometheus")))
struct PrometheusAPIInteropTests {
    @Test func formatQueryAnswersAsPrometheusDoes() async throws {
        let prometheus = try PrometheusProcess(binary: try requirePeer("prometheus"), scraping: "127.0.0.1:1")
        defer { prometheus.stop() }
        let service = try await startServiceWithSampleMetrics()
        let (ours, theirs) = (service.boundAddress.port, prometheus.port)
        let queries = PromQLCases.canonical.map(\.0) + PromQLCases.invalid.map(\.0)
        let answers = try await blocking { () throws -> [(RawHTTPResponse, RawHTTPResponse, RawHTTPResponse)] in
            _ = prometheus.waitFor { try RawHTTPClient(port: theirs).send("GET", "/-/ready").status == 200 ? true : nil }
            return try queries.map { query in
                let path = "/api/v1/format_query?query=\(query.urlQueryEncoded)"
                let form = [("Content-Type", "application/x-www-form-urlencoded")]
                return (
                    try RawHTTPClient(port: ours).send("GET", path), try RawHTTPClient(port: theirs).send("GET", path),
                    try RawHTTPClient(port: ours).send(
                        "POST", "/api/v1/format_query", headers: form, body: Array("query=\(query.urlQueryEncoded)".utf8))
                )
            }
        }
        for (query, (get, reference, post)) in zip(queries, answers) {
            let expected = try JSONSerialization.jsonObject(with: Data(reference.body)) as? NSDictionary
            #expect(get.status == reference.status, "\(query)")
            #expect(try JSONSerialization.jsonObject(with: Data(get.body)) as? NSDictionary == expected, "\(query)")
            #expect(try JSONSerialization.jsonObject(with: Data(post.body)) as? NSDictionary == expected, "POST \(query)")
        }
        let info = try await blocking { try RawHTTPClient(port: ours).send("GET", "/api/v1/status/buildinfo") }
        let data = try #require((try JSONSerialization.jsonObject(with: Data(info.body)) as? [String: Any])?["data"] as? [String: Any])
        #expect(data["version"] as? String == "2.42.0")
        #expect(data["features"] == nil, "a features field would make Grafana take telemetryd for Mimir")
        #expect(Set(data.keys) == ["version", "revision", "branch", "buildUser", "buildDate", "goVersion"])
        await service.stop()
    }
}
