import Foundation
import TestSupport
import Testing

@Suite("promtool", .enabled(if: peerAvailable("promtool")))
struct PromtoolTests {
    @Test func promtoolAcceptsTheServedTextFormat() async throws {
        let promtool = try requirePeer("promtool")
        let service = try await startServiceWithSampleMetrics()
        let port = service.boundAddress.port
        let body = try await blocking { try RawHTTPClient(port: port).send("GET", "/metrics").body }
        let result = try await ExternalTool.run(promtool, ["check", "metrics"], input: body)
        #expect(result.status == 0, "promtool: \(result.stderr)\n\(String(decoding: result.stdout, as: UTF8.self))")
        #expect(result.stderr.isEmpty, "promtool lint: \(result.stderr)")
        await service.stop()
    }

    @Test func promtoolAcceptsMetricsConvertedFromOTLP() async throws {
        let promtool = try requirePeer("promtool")
        let service = try await startServiceWithSampleMetrics()
        let port = service.boundAddress.port
        let (posted, body) = try await blocking {
            let client = try RawHTTPClient(port: port)
            return (
                try client.send(
                    "POST", "/v1/metrics", headers: [("Content-Type", "application/json")], body: Array(otlpJSON.utf8)),
                try client.send("GET", "/metrics").body
            )
        }
        #expect(posted.status == 200)
        #expect(posted.text == "{}")
        let text = String(decoding: body, as: UTF8.self)
        #expect(text.contains("# TYPE rpc_latency_seconds summary"))
        #expect(text.contains("http_server_duration_seconds_bucket{"))
        let result = try await ExternalTool.run(promtool, ["check", "metrics"], input: body)
        #expect(result.status == 0, "promtool: \(result.stderr)\n\(text)")
        #expect(result.stderr.isEmpty, "promtool lint: \(result.stderr)")
        await service.stop()
    }

    /// One of each point kind, as an SDK would send it in OTLP/JSON.
    private let otlpJSON = """
        {"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"shop"}},
          {"key":"host.name","value":{"stringValue":"h1"}}]},
         "scopeMetrics":[{"scope":{"name":"shop.meter","version":"1.0"},"metrics":[
          {"name":"http.server.requests","description":"Requests.","unit":"{request}","sum":{"aggregationTemporality":2,
            "isMonotonic":true,"dataPoints":[{"asInt":"12","attributes":[{"key":"http.route","value":{"stringValue":"/a\\\"b"}}]}]}},
          {"name":"http.server.duration","description":"Latency.","unit":"s","histogram":{"aggregationTemporality":2,
            "dataPoints":[{"count":"3","sum":42.5,"explicitBounds":[10,100],"bucketCounts":["1","1","1"]}]}},
          {"name":"rpc.latency","description":"RPC latency.","unit":"s","summary":{"dataPoints":[{"count":"4","sum":2,
            "quantileValues":[{"quantile":0.5,"value":0.4},{"quantile":0.99,"value":1.2}]}]}},
          {"name":"heap.used","description":"Heap.","unit":"By","gauge":{"dataPoints":[{"asDouble":1024.5}]}}
         ]}]}]}
        """

    @Test func promtoolRejectsBrokenTextSoTheCheckCanFail() async throws {
        let promtool = try requirePeer("promtool")
        let broken = Array("# TYPE x counter\nx{a=\"unterminated} 1\n".utf8)
        let result = try await ExternalTool.run(promtool, ["check", "metrics"], input: broken)
        #expect(result.status != 0)
    }
}
