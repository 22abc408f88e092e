import Foundation
import GRDB
import HTTPServer
import Logging
import OTLP
import SwiftProtobuf
import TelemetryServer
import TestSupport
import Testing

private let protobuf = [("Content-Type", "application/x-protobuf")]

/// `count` spans of one trace (ids 1…count) under `service`, each with a few attributes.
private func manySpans(
    traceID: String, service: String, count: Int, name: (Int) -> String = { _ in "op" },
    attributes: [(String, Opentelemetry_Proto_Common_V1_AnyValue.OneOf_Value)] = []
) -> TraceRequest {
    let start = UInt64(Date().timeIntervalSince1970 * 1e9)
    var request = traceRequest(traceID: traceID, service: service)
    request.resourceSpans[0].scopeSpans[0].spans = (1...count).map { index in
        var span = Opentelemetry_Proto_Trace_V1_Span()
        span.traceID = Data(Hex.decode(traceID) ?? [])
        var id = UInt64(index).bigEndian
        span.spanID = withUnsafeBytes(of: &id) { Data($0) }
        span.name = name(index)
        span.startTimeUnixNano = start + UInt64(index)
        span.endTimeUnixNano = start + UInt64(index) + 1000
        span.attributes = attributes.map { key, value in
            var attribute = Opentelemetry_Proto_Common_V1_KeyValue()
            attribute.key = key
            attribute.value.value = value
            return attribute
        } + [{
            var attribute = Opentelemetry_Proto_Common_V1_KeyValue()
            attribute.key = "index"
            attribute.value.intValue = Int64(index)
            return attribute
        }()]
        return span
    }
    return request
}

private func post(_ client: RawHTTPClient, _ request: TraceRequest) throws -> RawHTTPResponse {
    try client.send("POST", "/v1/traces", headers: protobuf, body: Array(try request.serializedData()))
}

private func escaped(_ text: String) -> String {
    text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
}

/// Defects of the query API found by trying it as an attacker would, over a real socket.
@Suite("Hostile input: query API")
struct HostileQueryTests {
    /// Defect 6: 1,000 tags answered 500 with SQLite's message and SQL; searches had no bound.
    @Test func searchesAreBoundedAndNeverShowSQL() async throws {
        let service = try await startService {
            $0.queryTimeout = PrometheusDuration(milliseconds: 1)
            $0.maxConcurrentQueries = 2
        }
        let port = service.boundAddress.port
        let seed = manySpans(traceID: randomTraceID(), service: "load", count: 10_000, attributes: [("k", .stringValue("v"))])
        let manyTags = (0..<1000).map { "k\($0)=v" }.joined(separator: " ")
        let (seeded, tooMany, slow) = try await blocking {
            let client = try RawHTTPClient(port: port, timeoutSeconds: 60)
            return (
                try post(client, seed), try client.send("GET", "/api/traces?tags=\(escaped(manyTags))"),
                try client.send("GET", "/api/traces?tags=k%3Dnone")
            )
        }
        #expect(seeded.status == 200)
        #expect(tooMany.status == 400)
        #expect(tooMany.text.hasPrefix("tags: at most 32 key=value pairs"))
        #expect(slow.status == 503)
        #expect(slow.header("Retry-After") == "1")
        #expect(slow.text.hasPrefix("the search took longer than"))
        for response in [tooMany, slow] {
            for leak in ["SELECT", "json_each", "SQLite", "spans s"] { #expect(!response.text.contains(leak)) }
        }
        await service.stop()
    }

    /// Defect 6: at most `max_concurrent_queries` searches run at once; the rest get 503.
    @Test func concurrentSearchesPastTheCapGet503() async throws {
        let service = try await startService { $0.maxConcurrentQueries = 1 }
        let port = service.boundAddress.port
        let seed = manySpans(traceID: randomTraceID(), service: "load", count: 10_000, attributes: [("k", .stringValue("v"))])
        let seeded = try await blocking { try post(RawHTTPClient(port: port, timeoutSeconds: 60), seed).status }
        #expect(seeded == 200)
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<6 {
                group.addTask {
                    try await blocking {
                        try RawHTTPClient(port: port, timeoutSeconds: 60).send("GET", "/api/traces?tags=k%3Dnone&limit=5").status
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses.contains(200))
        #expect(statuses.contains(503))
        #expect(Set(statuses).isSubset(of: [200, 503]))
        await service.stop()
    }

    /// Defects 6 and 10: a failing query or write answers a plain message without SQL, and the
    /// cause is logged at warning level, once per interval however often it repeats.
    @Test func failuresAreLoggedNotSent() async throws {
        let store = CapturingLogHandler.Store()
        var configuration = ServerConfiguration()
        configuration.listenAddress = ListenAddress(host: "127.0.0.1", port: 0)
        configuration.grpcListenAddress = nil
        configuration.storagePath = FileManager.default.temporaryDirectory
            .appendingPathComponent("fail-\(UUID().uuidString)").path
        let service = try TelemetryService(
            configuration: configuration, logger: Logger(label: "test") { _ in CapturingLogHandler(store: store) })
        try await service.start()
        let port = service.boundAddress.port
        let database = try DatabaseQueue(path: configuration.storagePath + "/telemetry.sqlite")
        try await database.write { try $0.execute(sql: "DROP TABLE spans") }
        let body = Array(try traceRequest(traceID: randomTraceID()).serializedData())
        let (search, writes) = try await blocking {
            let client = try RawHTTPClient(port: port)
            let search = try client.send("GET", "/api/traces?service=x")
            let writes = try (0..<5).map { _ in try client.send("POST", "/v1/traces", headers: protobuf, body: body) }
            return (search, writes)
        }
        #expect(search.status == 500)
        #expect(search.text == "the search failed; the cause is in the server log\n")
        for write in writes {
            #expect(write.status == 503)
            #expect(try Google_Rpc_Status(serializedBytes: write.body).message == "storage failed; retry later")
        }
        let warnings = store.messages(atLeast: .warning)
        #expect(warnings.filter { $0.contains("GET /api/traces answered 500") && $0.contains("no such table: spans") }.count == 1)
        let writeWarnings = warnings.filter { $0.contains("POST /v1/traces answered 503") }
        #expect(writeWarnings.count == 1, "rate-limited: \(writeWarnings)")
        #expect(writeWarnings.first?.contains("no such table") == true)
        await service.stop()
    }

    /// Found by FuzzQuery: an RFC 3339 time past 2262 overflowed the nanosecond conversion and
    /// killed the server with one GET.
    @Test func timesOutsideTheNanosecondRangeAreA400() async throws {
        let service = try await startService()
        let port = service.boundAddress.port
        let (far, early, healthy) = try await blocking {
            let client = try RawHTTPClient(port: port)
            return (
                try client.send("GET", "/api/traces?start=17000000-01-02T15:04:05Z"),
                try client.send("GET", "/api/logs?end=0001-01-01T00:00:00Z"), try client.send("GET", "/-/healthy")
            )
        }
        #expect(far.status == 400)
        #expect(far.text.hasPrefix("start: want Unix seconds or an RFC 3339 time"))
        #expect(early.status == 400)
        #expect(healthy.status == 200)
        await service.stop()
    }

    /// Defect 7: tag values with spaces can be searched, in Jaeger's JSON form and quoted logfmt.
    @Test func tagValuesWithSpacesAreSearchable() async throws {
        let service = try await startService()
        let port = service.boundAddress.port
        let traceID = randomTraceID()
        let seed = manySpans(
            traceID: traceID, service: "tags", count: 1,
            attributes: [("msg", .stringValue("value with spaces")), ("quote", .stringValue("say \"hi\"")), ("count", .intValue(42))])
        let queries = [
            #"{"msg":"value with spaces"}"#, #"msg="value with spaces""#, #"quote="say \"hi\"" count=42"#,
            #"{"count":42,"msg":"value with spaces"}"#, "msg=value", #"msg="unterminated"#, "[1]",
        ]
        let answers = try await blocking {
            let client = try RawHTTPClient(port: port)
            guard try post(client, seed).status == 200 else { throw RawHTTPClient.ClientError.malformed("seed refused") }
            return try queries.map { try client.send("GET", "/api/traces?service=tags&tags=\(escaped($0))") }
        }
        func found(_ response: RawHTTPResponse) throws -> [String] {
            (try json(response)["traces"] as? [[String: Any]])?.compactMap { $0["traceId"] as? String } ?? []
        }
        for answer in answers.prefix(4) { #expect(try found(answer) == [traceID]) }
        #expect(try found(answers[4]) == [])
        #expect(answers[5].status == 400)
        #expect(answers[5].text.hasPrefix("tags: unterminated quote"))
        #expect(answers[6].status == 400)
        await service.stop()
    }

    /// Defect 8: `%2F` split a segment, `%00` cut a path, and a NUL cut stored names.
    @Test func escapedSlashesAndNULsSurviveRoutingAndStorage() async throws {
        let service = try await startService()
        let port = service.boundAddress.port
        let traceID = randomTraceID()
        let slashed = manySpans(traceID: traceID, service: "team/shop", count: 1, name: { _ in "x\u{0}y" })
        let nul = manySpans(traceID: randomTraceID(), service: "nul\u{0}svc", count: 1, name: { _ in "inside" })
        let (operations, nulOperations, trace, cut, metrics) = try await blocking {
            let client = try RawHTTPClient(port: port)
            for seed in [slashed, nul] where try post(client, seed).status != 200 {
                throw RawHTTPClient.ClientError.malformed("seed refused")
            }
            return (
                try client.send("GET", "/api/services/team%2Fshop/operations"),
                try client.send("GET", "/api/services/nul%00svc/operations"),
                try client.send("GET", "/api/traces/\(traceID)"), try client.send("GET", "/-/healthy%00junk"),
                try client.send("GET", "/metrics")
            )
        }
        #expect(try json(operations)["service"] as? String == "team/shop")
        #expect((try json(operations)["operations"] as? [[String: Any]])?.first?["name"] as? String == "x\u{0}y")
        #expect(try json(nulOperations)["service"] as? String == "nul\u{0}svc")
        #expect((try json(nulOperations)["operations"] as? [[String: Any]])?.first?["name"] as? String == "inside")
        let span = try #require((try json(trace)["spans"] as? [[String: Any]])?.first)
        #expect(span["name"] as? String == "x\u{0}y")
        #expect(span["service"] as? String == "team/shop")
        #expect(cut.status == 404)
        #expect(metrics.text.contains("span_name=\"x\u{0}y\""), "span metrics and storage agree on the name")
        await service.stop()
    }

    /// Defect 13: a trace of any size is served in pages; lists are capped with `limit`.
    @Test func largeTracesArePagedAndListsCapped() async throws {
        let service = try await startService()
        let port = service.boundAddress.port
        let traceID = randomTraceID()
        let seed = manySpans(traceID: traceID, service: "paged", count: 2500, name: { "op-\($0 % 30)" })
        let (responses, operations, services) = try await blocking {
            let client = try RawHTTPClient(port: port, timeoutSeconds: 60)
            for seed in [seed, traceRequest(traceID: randomTraceID(), service: "other")] where try post(client, seed).status != 200 {
                throw RawHTTPClient.ClientError.malformed("seed refused")
            }
            var responses: [RawHTTPResponse] = []
            var cursor: String?
            repeat {
                let after = cursor.map { "&after=\($0)" } ?? ""
                let response = try client.send("GET", "/api/traces/\(traceID)?limit=1000\(after)")
                responses.append(response)
                cursor = try json(response)["nextCursor"] as? String
            } while cursor != nil && responses.count < 10
            return (
                responses, try client.send("GET", "/api/services/paged/operations?limit=10"),
                try client.send("GET", "/api/services?limit=1")
            )
        }
        let pages = try responses.map(json)
        #expect(pages.map { ($0["spans"] as? [Any])?.count ?? 0 } == [1000, 1000, 500])
        #expect(pages.allSatisfy { $0["spanCount"] as? Int == 2500 })
        let ids = pages.flatMap { ($0["spans"] as? [[String: Any]] ?? []).compactMap { $0["spanId"] as? String } }
        #expect(Set(ids).count == 2500)
        #expect((try json(operations)["operations"] as? [Any])?.count == 10)
        #expect(try json(operations)["truncated"] as? Bool == true)
        #expect((try json(services)["services"] as? [String])?.count == 1)
        #expect(try json(services)["truncated"] as? Bool == true)
        await service.stop()
    }
}
