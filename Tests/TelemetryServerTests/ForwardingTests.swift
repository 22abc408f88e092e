import Foundation
import HTTPServer
import Logging
import OTLP
import Synchronization
import TelemetryServer
import TestSupport
import Testing

/// A request with `count` spans of one trace (about 100 bytes each), for filling queues.
private func bulkTraceRequest(_ count: Int) -> TraceRequest {
    let traceID = randomTraceID()
    var spans: [Opentelemetry_Proto_Trace_V1_Span] = []
    for index in 0..<count {
        var span = Opentelemetry_Proto_Trace_V1_Span()
        span.traceID = Data(Hex.decode(traceID) ?? [])
        span.spanID = Data([7, 7, 7, 7, 0, 0, UInt8(index >> 8), UInt8(index & 0xff)])
        span.name = "bulk operation number \(index)"
        spans.append(span)
    }
    return traceRequest(traceID: traceID, extraSpans: spans)
}

@Suite("Forwarding upstream")
struct ForwardingTests {
    @Test func tracesMetricsAndLogsReachAnUpstreamTelemetryd() async throws {
        let upstream = try await startService()
        let upstreamPort = upstream.boundAddress.port
        let service = try await startService { $0.forwardEndpoint = "http://127.0.0.1:\(upstreamPort)" }
        let port = service.boundAddress.port
        let traceID = randomTraceID()
        let traces = Array(try traceRequest(traceID: traceID, service: "forwarded").serializedData())
        let logs = """
            {"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"forwarded"}}]},
             "scopeLogs":[{"logRecords":[{"timeUnixNano":"1700000000000000000","severityNumber":9,
              "body":{"stringValue":"sent on as protobuf"},"traceId":"\(traceID)"}]}]}]}
            """
        let metrics = Array(try metricsRequest([sumMetric("forwarded.requests", 4, delta: false)]).serializedData())
        let (statuses, arrived) = try await blocking {
            let client = try RawHTTPClient(port: port)
            let statuses = [
                try client.send("POST", "/v1/traces", headers: [("Content-Type", "application/x-protobuf")], body: traces),
                try client.send("POST", "/v1/logs", headers: [("Content-Type", "application/json")], body: Array(logs.utf8)),
                try client.send("POST", "/v1/metrics", headers: [("Content-Type", "application/x-protobuf")], body: metrics),
            ].map(\.status)
            let upstreamClient = try RawHTTPClient(port: upstreamPort)
            // Poll the upstream until all three have arrived (bounded by time: a loaded machine
            // makes each poll slower).
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline {
                let trace = try upstreamClient.send("GET", "/api/traces/\(traceID)")
                let log = try upstreamClient.send("GET", "/api/logs?traceId=\(traceID)")
                let page = try upstreamClient.send("GET", "/metrics").text
                if trace.status == 200, log.text.contains("sent on as protobuf"), page.contains("forwarded_requests_total{") {
                    return (statuses, true)
                }
                usleep(10_000)
            }
            return (statuses, false)
        }
        #expect(statuses == [200, 200, 200])
        #expect(arrived)
        let page = try await blocking { try RawHTTPClient(port: port).send("GET", "/metrics").text }
        let values = metricSamples(page)
        #expect(values["telemetryd_forwarder_sent_items_total{signal=\"traces\"}"] == 2)
        #expect(values["telemetryd_forwarder_sent_items_total{signal=\"logs\"}"] == 1)
        #expect(values["telemetryd_forwarder_sent_items_total{signal=\"metrics\"}"] == 1)
        await service.stop()
        await upstream.stop()
    }

    @Test func retryableAnswersAreRetriedAndRejectionsDropped() async throws {
        let traceCalls = Atomic<Int>(0)
        var router = Router()
        router.add(Route("POST", "/v1/traces", handler: .immediate { _ in
            // The first attempt meets an overloaded upstream, the second succeeds.
            if traceCalls.add(1, ordering: .relaxed).newValue == 1 {
                var response = HTTPResponse.text("busy", status: 503)
                response.headers.set("Retry-After", "0")
                return response
            }
            return HTTPResponse(contentType: "application/x-protobuf", body: [])
        }))
        router.add(Route("POST", "/v1/logs", handler: .immediate { _ in .text("bad data", status: 400) }))
        let upstream = HTTPServer(
            configuration: HTTPServerConfiguration(address: ListenAddress(host: "127.0.0.1", port: 0)), router: router,
            logger: Logger(label: "scripted-upstream"))
        try upstream.start()
        let upstreamPort = upstream.boundAddress.port
        let service = try await startService { $0.forwardEndpoint = "http://127.0.0.1:\(upstreamPort)" }
        let port = service.boundAddress.port
        let traces = Array(try traceRequest(traceID: randomTraceID()).serializedData())
        let logs = """
            {"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"refused upstream"}}]}]}]}
            """
        let values = try await blocking {
            let client = try RawHTTPClient(port: port)
            _ = try client.send("POST", "/v1/traces", headers: [("Content-Type", "application/x-protobuf")], body: traces)
            _ = try client.send("POST", "/v1/logs", headers: [("Content-Type", "application/json")], body: Array(logs.utf8))
            // The retry waits for the backoff when the first attempt's connection fails instead:
            // bounded by time, not by a count of polls.
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline {
                let values = metricSamples(try client.send("GET", "/metrics").text)
                if values["telemetryd_forwarder_sent_items_total{signal=\"traces\"}"] != nil,
                   values["telemetryd_forwarder_dropped_items_total{signal=\"logs\",reason=\"rejected\"}"] != nil
                {
                    return values
                }
                usleep(10_000)
            }
            return [:]
        }
        #expect(traceCalls.load(ordering: .relaxed) == 2)
        #expect(values["telemetryd_forwarder_retries_total"] == 1)
        #expect(values["telemetryd_forwarder_sent_items_total{signal=\"traces\"}"] == 2)
        #expect(values["telemetryd_forwarder_dropped_items_total{signal=\"logs\",reason=\"rejected\"}"] == 1)
        await service.stop()
        await upstream.stop()
    }

    @Test func anUpstreamOutageDropsAndCountsWithoutSlowingIngest() async throws {
        let service = try await startService {
            $0.forwardEndpoint = "http://127.0.0.1:\(freeLoopbackPort())"
            $0.forwardMaxQueueSize = ByteSize(bytes: 64 << 10)
        }
        let port = service.boundAddress.port
        let bodies = try (0..<10).map { _ in Array(try bulkTraceRequest(300).serializedData()) }
        let (statuses, values) = try await blocking {
            let client = try RawHTTPClient(port: port)
            let statuses = try bodies.map {
                try client.send("POST", "/v1/traces", headers: [("Content-Type", "application/x-protobuf")], body: $0).status
            }
            return (statuses, metricSamples(try client.send("GET", "/metrics").text))
        }
        #expect(bodies[0].count > 16 << 10, "each export is \(bodies[0].count) bytes")
        #expect(statuses.allSatisfy { $0 == 200 }, "ingest answers while the upstream is down: \(statuses)")
        #expect((values["telemetryd_forwarder_dropped_items_total{signal=\"traces\",reason=\"queue_full\"}"] ?? 0) > 0)
        #expect((values["telemetryd_forwarder_queue_bytes"] ?? .infinity) <= Double(64 << 10))
        #expect(values["telemetryd_receiver_received_spans_total"] == 3020)
        await service.stop()
    }
}
