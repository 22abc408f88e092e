import Foundation
import OTLP
import SwiftProtobuf
import TelemetryServer
import TestSupport
import Testing

typealias TraceRequest = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest
typealias TraceResponse = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceResponse
typealias LogsRequest = Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceRequest
typealias LogsResponse = Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceResponse

/// A random 16-byte trace id as hex, so tests sharing a database never collide.
func randomTraceID() -> String {
    Hex.encode((0..<16).map { _ in UInt8.random(in: 0...255) })
}

/// A request with a root span and a child span of `traceID`, service `service`.
func traceRequest(traceID: String, service: String = "checkout", extraSpans: [Opentelemetry_Proto_Trace_V1_Span] = [])
    -> TraceRequest
{
    var root = Opentelemetry_Proto_Trace_V1_Span()
    root.traceID = Data(Hex.decode(traceID) ?? [])
    root.spanID = Data(Hex.decode("1111111111111111") ?? [])
    root.name = "GET /cart"
    root.kind = .server
    root.startTimeUnixNano = 1_700_000_000_000_000_000
    root.endTimeUnixNano = 1_700_000_000_500_000_000
    var attribute = Opentelemetry_Proto_Common_V1_KeyValue()
    attribute.key = "http.route"
    attribute.value.stringValue = "/cart"
    root.attributes = [attribute]
    var child = root
    child.spanID = Data(Hex.decode("2222222222222222") ?? [])
    child.parentSpanID = root.spanID
    child.name = "SELECT cart"
    child.kind = .client
    child.status.code = .error
    child.status.message = "timeout"
    var resource = Opentelemetry_Proto_Common_V1_KeyValue()
    resource.key = "service.name"
    resource.value.stringValue = service
    var resourceSpans = Opentelemetry_Proto_Trace_V1_ResourceSpans()
    resourceSpans.resource.attributes = [resource]
    var scopeSpans = Opentelemetry_Proto_Trace_V1_ScopeSpans()
    scopeSpans.spans = [root, child] + extraSpans
    resourceSpans.scopeSpans = [scopeSpans]
    var request = TraceRequest()
    request.resourceSpans = [resourceSpans]
    return request
}

func json(_ response: RawHTTPResponse) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
}

@Suite("OTLP receiver over a real socket")
struct OTLPReceiverTests {
    @Test func protobufTracesAreStoredAndQueryable() async throws {
        let service = try await startService()
        let port = service.boundAddress.port
        let traceID = randomTraceID()
        let body = Array(try traceRequest(traceID: traceID).serializedData())
        let (posted, trace, services) = try await blocking {
            let client = try RawHTTPClient(port: port)
            return (
                try client.send("POST", "/v1/traces", headers: [("Content-Type", "application/x-protobuf")], body: body),
                try client.send("GET", "/api/traces/\(traceID)"),
                try client.send("GET", "/api/services")
            )
        }
        #expect(posted.status == 200)
        #expect(posted.header("Content-Type") == "application/x-protobuf")
        let response = try TraceResponse(serializedBytes: posted.body)
        #expect(!response.hasPartialSuccess)
        #expect(trace.status == 200)
        let spans = try #require(try json(trace)["spans"] as? [[String: Any]])
        #expect(spans.count == 2)
        let child = try #require(spans.first { $0["name"] as? String == "SELECT cart" })
        #expect(child["parentSpanId"] as? String == "1111111111111111")
        #expect(child["service"] as? String == "checkout")
        #expect((child["status"] as? [String: Any])?["code"] as? Int == 2)
        #expect((child["attributes"] as? [String: Any])?["http.route"] as? String == "/cart")
        #expect(spans.first { $0["name"] as? String == "GET /cart" }?["parentSpanId"] as? String == "")
        #expect((try json(services)["services"] as? [String])?.contains("checkout") == true)
        await service.stop()
    }

    @Test func jsonAndGzipBodiesAreAcceptedAndAnsweredInKind() async throws {
        let service = try await startService()
        let port = service.boundAddress.port
        let traceID = randomTraceID()
        let jsonBody = try OTLPJSON.encode(traceRequest(traceID: traceID, service: "json-service"))
        let gzipID = randomTraceID()
        let gzipBody = try await ExternalTool.gzip(Array(try traceRequest(traceID: gzipID).serializedData()))
        let (jsonPosted, gzipPosted, jsonTrace, gzipTrace) = try await blocking {
            let client = try RawHTTPClient(port: port)
            return (
                try client.send("POST", "/v1/traces", headers: [("Content-Type", "application/json")], body: jsonBody),
                try client.send(
                    "POST", "/v1/traces",
                    headers: [("Content-Type", "application/x-protobuf"), ("Content-Encoding", "gzip")], body: gzipBody),
                try client.send("GET", "/api/traces/\(traceID)"), try client.send("GET", "/api/traces/\(gzipID)")
            )
        }
        #expect(jsonPosted.status == 200)
        #expect(jsonPosted.header("Content-Type") == "application/json")
        #expect(jsonPosted.text == "{}")
        #expect(gzipPosted.status == 200)
        #expect((try json(jsonTrace)["spans"] as? [[String: Any]])?.first?["service"] as? String == "json-service")
        #expect((try json(gzipTrace)["spans"] as? [[String: Any]])?.count == 2)
        await service.stop()
    }

    @Test func invalidSpansAreRejectedThroughPartialSuccess() async throws {
        let service = try await startService()
        let port = service.boundAddress.port
        let traceID = randomTraceID()
        var zeroTrace = Opentelemetry_Proto_Trace_V1_Span()
        zeroTrace.traceID = Data(count: 16)
        zeroTrace.spanID = Data(Hex.decode("3333333333333333") ?? [])
        zeroTrace.name = "zero"
        var shortSpan = zeroTrace
        shortSpan.traceID = Data(Hex.decode(traceID) ?? [])
        shortSpan.spanID = Data([1, 2, 3])
        shortSpan.name = "short"
        let body = try OTLPJSON.encode(traceRequest(traceID: traceID, extraSpans: [zeroTrace, shortSpan]))
        let (posted, trace) = try await blocking {
            let client = try RawHTTPClient(port: port)
            return (
                try client.send("POST", "/v1/traces", headers: [("Content-Type", "application/json")], body: body),
                try client.send("GET", "/api/traces/\(traceID)")
            )
        }
        #expect(posted.status == 200)
        let response = try OTLPJSON.decode(TraceResponse.self, from: posted.body)
        #expect(response.partialSuccess.rejectedSpans == 2)
        #expect(response.partialSuccess.errorMessage.contains("span \"zero\": trace_id must be 16 bytes and not all zero"))
        #expect((try json(trace)["spans"] as? [[String: Any]])?.count == 2)
        await service.stop()
    }

    @Test func badInputGetsItsExactStatusAndTheServerKeepsServing() async throws {
        let service = try await startService()
        let port = service.boundAddress.port
        let valid = Array(try traceRequest(traceID: randomTraceID()).serializedData())
        let bomb = try await ExternalTool.gzip([UInt8](repeating: 0, count: 200 * 1024 * 1024))
        let responses = try await blocking { () -> [String: RawHTTPResponse] in
            var results: [String: RawHTTPResponse] = [:]
            let protobuf = [("Content-Type", "application/x-protobuf")]
            results["truncated"] = try RawHTTPClient(port: port).send(
                "POST", "/v1/traces", headers: protobuf, body: Array(valid.prefix(valid.count - 7)))
            results["content type"] = try RawHTTPClient(port: port).send(
                "POST", "/v1/traces", headers: [("Content-Type", "text/plain")], body: valid)
            results["bomb"] = try RawHTTPClient(port: port).send(
                "POST", "/v1/traces", headers: protobuf + [("Content-Encoding", "gzip")], body: bomb)
            results["oversize"] = try RawHTTPClient(port: port).send(
                "POST", "/v1/traces", headers: protobuf, body: [UInt8](repeating: 0x0a, count: 25 * 1024 * 1024))
            results["empty protobuf"] = try RawHTTPClient(port: port).send("POST", "/v1/traces", headers: protobuf)
            results["empty json"] = try RawHTTPClient(port: port).send(
                "POST", "/v1/traces", headers: [("Content-Type", "application/json")])
            results["bad json"] = try RawHTTPClient(port: port).send(
                "POST", "/v1/logs", headers: [("Content-Type", "application/json")], body: Array("{\"resourceLogs\":".utf8))
            results["after"] = try RawHTTPClient(port: port).send("POST", "/v1/traces", headers: protobuf, body: valid)
            return results
        }
        let truncated = try #require(responses["truncated"])
        #expect(truncated.status == 400)
        #expect(truncated.header("Content-Type") == "application/x-protobuf")
        let status = try Google_Rpc_Status(serializedBytes: truncated.body)
        #expect(status.code == 3)
        #expect(status.message.contains("invalid protobuf"))
        #expect(responses["content type"]?.status == 415)
        #expect(responses["bomb"]?.status == 413)
        #expect(responses["oversize"]?.status == 413)
        // An empty protobuf body is a valid, empty export (as the OpenTelemetry Collector treats it).
        #expect(responses["empty protobuf"]?.status == 200)
        let emptyJSON = try #require(responses["empty json"])
        #expect(emptyJSON.status == 400)
        #expect(try OTLPJSON.decode(Google_Rpc_Status.self, from: emptyJSON.body).message.contains("invalid JSON"))
        #expect(responses["bad json"]?.status == 400)
        #expect(responses["after"]?.status == 200)
        await service.stop()
    }

    @Test func logsAreStoredWithTraceContextAndEventName() async throws {
        let service = try await startService()
        let port = service.boundAddress.port
        let traceID = randomTraceID()
        let body = """
            {"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"billing"}}]},
             "scopeLogs":[{"scope":{"name":"app"},"logRecords":[
              {"timeUnixNano":"1700000000000000001","severityNumber":17,"severityText":"ERROR",
               "body":{"stringValue":"card declined"},"eventName":"payment.failed","traceId":"\(traceID)",
               "spanId":"2222222222222222","attributes":[{"key":"amount","value":{"doubleValue":12.5}}]},
              {"timeUnixNano":"1700000000000000002","severityNumber":9,"body":{"stringValue":"retrying"},
               "traceId":"\(traceID)","spanId":"00"}]}]}]}
            """
        let (posted, logs, badLimit) = try await blocking {
            let client = try RawHTTPClient(port: port)
            return (
                try client.send("POST", "/v1/logs", headers: [("Content-Type", "application/json")], body: Array(body.utf8)),
                try client.send("GET", "/api/logs?traceId=\(traceID)"),
                try client.send("GET", "/api/logs?limit=lots")
            )
        }
        #expect(posted.status == 200)
        let response = try OTLPJSON.decode(LogsResponse.self, from: posted.body)
        #expect(response.partialSuccess.rejectedLogRecords == 1)
        let records = try #require(try json(logs)["logs"] as? [[String: Any]])
        #expect(records.count == 1)
        #expect(records.first?["body"] as? String == "card declined")
        #expect(records.first?["eventName"] as? String == "payment.failed")
        #expect(records.first?["severityNumber"] as? Int == 17)
        #expect(records.first?["service"] as? String == "billing")
        #expect((records.first?["attributes"] as? [String: Any])?["amount"] as? Double == 12.5)
        #expect(badLimit.status == 400)
        #expect(badLimit.text.contains("limit"))
        await service.stop()
    }

    @Test func receiverCountsWhatItReceivedAndRejected() async throws {
        let service = try await startService()
        let port = service.boundAddress.port
        var bad = Opentelemetry_Proto_Trace_V1_Span()
        bad.name = "no ids"
        let body = Array(try traceRequest(traceID: randomTraceID(), extraSpans: [bad]).serializedData())
        let metrics = try await blocking {
            let client = try RawHTTPClient(port: port)
            _ = try client.send("POST", "/v1/traces", headers: [("Content-Type", "application/x-protobuf")], body: body)
            return try client.send("GET", "/metrics").text
        }
        let values = metricSamples(metrics)
        #expect(values["telemetryd_receiver_received_spans_total"] == 2)
        #expect(values["telemetryd_receiver_rejected_spans_total"] == 1)
        #expect(values["telemetryd_storage_write_duration_seconds_count"] == 1)
        #expect((values["telemetryd_storage_size_bytes"] ?? 0) > 0)
        #expect(values["telemetryd_storage_write_queue_depth"] == 0)
        await service.stop()
    }
}

@Suite("Back-pressure")
struct BackPressureTests {
    @Test func aFullWriteQueueAnswers503WithRetryAfterAndLosesNothingAccepted() async throws {
        let storage = FileManager.default.temporaryDirectory.appendingPathComponent("bp-\(UUID().uuidString)").path
        let service = try await startService {
            $0.storagePath = storage
            $0.maxWriteQueueRows = 1
        }
        let port = service.boundAddress.port
        // Another connection holds SQLite's write lock, so the writer waits and the queue fills.
        let lock = try await SQLiteWriteLock.take(storage: storage)
        let traceIDs = (0..<8).map { _ in randomTraceID() }
        let bodies = try traceIDs.map { Array(try traceRequest(traceID: $0).serializedData()) }
        let responses = try await withThrowingTaskGroup(of: RawHTTPResponse.self) { group in
            for body in bodies {
                group.addTask {
                    try await blocking {
                        try RawHTTPClient(port: port).send(
                            "POST", "/v1/traces", headers: [("Content-Type", "application/x-protobuf")], body: body)
                    }
                }
            }
            // Release the lock once every request has been answered or is waiting for a commit.
            var answered: [RawHTTPResponse] = []
            while answered.count < 6, let response = try await group.next() { answered.append(response) }
            lock.release()
            while let response = try await group.next() { answered.append(response) }
            return answered
        }
        let refused = responses.filter { $0.status == 503 }
        #expect(refused.count >= 6, "statuses: \(responses.map(\.status))")
        #expect(refused.allSatisfy { $0.header("Retry-After") == "1" })
        let status = try Google_Rpc_Status(serializedBytes: try #require(refused.first).body)
        #expect(status.message == "write queue is full; retry later")
        #expect(responses.filter { $0.status == 200 }.count == 8 - refused.count)
        let stored = try await blocking {
            let client = try RawHTTPClient(port: port)
            return try traceIDs.filter { try client.send("GET", "/api/traces/\($0)").status == 200 }.count
        }
        #expect(stored == 8 - refused.count, "every acknowledged trace is stored")
        await service.stop()
    }
}
