import Foundation
import TelemetryServer
import TestSupport
import Testing

/// Three traces: A (shop, `GET /cart` with an erroring `SELECT cart` child), B (shop, a slow
/// `POST /pay`) and C (mail, a fast `send`), 100 s apart, as OTLP/JSON.
private func searchFixture(_ a: String, _ b: String, _ c: String) -> String {
    func span(_ trace: String, _ id: String, parent: String = "", _ name: String, kind: Int, start: Int, millis: Int,
              status: Int = 0, attributes: String = "") -> String {
        let startNano = 1_700_000_000_000_000_000 + start * 1_000_000_000
        return """
            {"traceId":"\(trace)","spanId":"\(id)","parentSpanId":"\(parent)","name":"\(name)","kind":\(kind),
             "startTimeUnixNano":"\(startNano)","endTimeUnixNano":"\(startNano + millis * 1_000_000)",
             "status":{"code":\(status)},"attributes":[\(attributes)]}
            """
    }
    func resource(_ service: String, _ environment: String, _ spans: [String]) -> String {
        """
        {"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"\(service)"}},
          {"key":"env","value":{"stringValue":"\(environment)"}}]},"scopeSpans":[{"spans":[\(spans.joined(separator: ","))]}]}
        """
    }
    let route = #"{"key":"http.route","value":{"stringValue":"/cart"}},{"key":"http.status_code","value":{"intValue":"200"}}"#
    let retry = #"{"key":"retry","value":{"boolValue":true}}"#
    return "{\"resourceSpans\":[" + [
        resource("shop", "prod", [
            span(a, "a000000000000001", "GET /cart", kind: 2, start: 0, millis: 500, attributes: route),
            span(a, "a000000000000002", parent: "a000000000000001", "SELECT cart", kind: 3, start: 0, millis: 100, status: 2),
        ]),
        resource("shop", "staging", [span(b, "b000000000000001", "POST /pay", kind: 2, start: 100, millis: 2000, attributes: retry)]),
        resource("mail", "prod", [span(c, "c000000000000001", "send", kind: 4, start: 200, millis: 10)]),
    ].joined(separator: ",") + "]}"
}

@Suite("Query API over a real socket")
struct QueryAPITests {
    @Test func traceSearchMatchesEveryParameter() async throws {
        let service = try await startService()
        let port = service.boundAddress.port
        let (a, b, c) = (randomTraceID(), randomTraceID(), randomTraceID())
        let body = Array(searchFixture(a, b, c).utf8)
        let queries = [
            "service=shop", "operation=SELECT%20cart", "tags=http.route=/cart", "tags=http.status_code=200",
            "tags=retry=true", "tags=env=prod", "tags=http.route=/cart%20env=staging", "minDuration=1s",
            "maxDuration=100ms", "start=1700000050&end=1700000150", "limit=1", "service=shop&minDuration=1.5s",
        ]
        let (posted, results, operations) = try await blocking {
            let client = try RawHTTPClient(port: port)
            let posted = try client.send("POST", "/v1/traces", headers: [("Content-Type", "application/json")], body: body)
            var results: [String: RawHTTPResponse] = [:]
            for query in queries { results[query] = try client.send("GET", "/api/traces?\(query)") }
            return (posted, results, try client.send("GET", "/api/services/shop/operations"))
        }
        #expect(posted.status == 200)
        func ids(_ query: String) throws -> [String] {
            let response = try #require(results[query])
            #expect(response.status == 200, "\(query): \(response.text)")
            return (try json(response)["traces"] as? [[String: Any]] ?? []).compactMap { $0["traceId"] as? String }
        }
        #expect(try ids("service=shop") == [b, a], "most recent first")
        #expect(try ids("operation=SELECT%20cart") == [a])
        #expect(try ids("tags=http.route=/cart") == [a])
        #expect(try ids("tags=http.status_code=200") == [a], "integer attributes match their text")
        #expect(try ids("tags=retry=true") == [b], "boolean attributes match true/false")
        #expect(try ids("tags=env=prod") == [c, a], "resource attributes match too")
        #expect(try ids("tags=http.route=/cart%20env=staging") == [], "all tags must match")
        #expect(try ids("minDuration=1s") == [b])
        #expect(try ids("maxDuration=100ms") == [c, a])
        #expect(try ids("start=1700000050&end=1700000150") == [b])
        #expect(try ids("limit=1") == [c])
        #expect(try ids("service=shop&minDuration=1.5s") == [b])
        let shop = try #require(results["service=shop"])
        let summary = try #require((try json(shop)["traces"] as? [[String: Any]])?.last)
        #expect(summary["rootService"] as? String == "shop")
        #expect(summary["rootOperation"] as? String == "GET /cart")
        #expect(summary["spanCount"] as? Int == 2)
        #expect(summary["hasError"] as? Bool == true)
        // Nanosecond times are strings, which JavaScript reads exactly (numbers lose digits past 2^53).
        #expect(summary["durationNano"] as? String == "500000000")
        #expect(summary["startTimeUnixNano"] as? String == "1700000000000000000")
        let names = (try json(operations)["operations"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
        #expect(names == ["GET /cart", "POST /pay", "SELECT cart"])
        await service.stop()
    }

    @Test(arguments: [
        ("minDuration=fast", "minDuration"), ("start=yesterday", "start"), ("limit=0", "limit"),
        ("tags=novalue", "tags"), ("start=1700000100&end=1700000000", "end"), ("maxDuration=1s&minDuration=2s", "maxDuration"),
    ])
    func badSearchParametersGet400NamingThem(query: String, parameter: String) async throws {
        let service = try await startService()
        let port = service.boundAddress.port
        let response = try await blocking { try RawHTTPClient(port: port).send("GET", "/api/traces?\(query)") }
        #expect(response.status == 400)
        #expect(response.text.hasPrefix(parameter + ":"), "got \(response.text)")
        await service.stop()
    }

    @Test func logSearchFiltersBySeverityTextTimeAndDirection() async throws {
        let service = try await startService()
        let port = service.boundAddress.port
        func record(_ second: Int, _ severity: Int, _ body: String) -> String {
            """
            {"timeUnixNano":"\(1_700_000_000_000_000_000 + second * 1_000_000_000)","severityNumber":\(severity),
             "body":{"stringValue":"\(body)"}}
            """
        }
        let body = """
            {"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"auth"}}]},
             "scopeLogs":[{"logRecords":[\(record(0, 9, "user signed in")),\(record(10, 17, "Payment failed: 100% declined")),
              \(record(20, 5, "cache miss"))]}]}]}
            """
        let queries = [
            "severity=ERROR", "severity=warn", "severity=9", "text=100%25", "text=payment", "text=50%25",
            "start=1700000005&end=1700000015", "service=auth", "service=auth&direction=forward", "severity=loud",
            "direction=sideways",
        ]
        let results = try await blocking {
            let client = try RawHTTPClient(port: port)
            _ = try client.send("POST", "/v1/logs", headers: [("Content-Type", "application/json")], body: Array(body.utf8))
            var results: [String: RawHTTPResponse] = [:]
            for query in queries { results[query] = try client.send("GET", "/api/logs?\(query)") }
            return results
        }
        func bodies(_ query: String) throws -> [String] {
            let response = try #require(results[query])
            #expect(response.status == 200, "\(query): \(response.text)")
            return (try json(response)["logs"] as? [[String: Any]] ?? []).compactMap { $0["body"] as? String }
        }
        #expect(try bodies("severity=ERROR") == ["Payment failed: 100% declined"])
        #expect(try bodies("severity=warn") == ["Payment failed: 100% declined"])
        #expect(try bodies("severity=9") == ["Payment failed: 100% declined", "user signed in"])
        #expect(try bodies("text=100%25") == ["Payment failed: 100% declined"])
        #expect(try bodies("text=payment") == ["Payment failed: 100% declined"], "ASCII case-insensitive")
        #expect(try bodies("text=50%25") == [], "% is matched literally")
        #expect(try bodies("start=1700000005&end=1700000015") == ["Payment failed: 100% declined"])
        #expect(try bodies("service=auth") == ["cache miss", "Payment failed: 100% declined", "user signed in"])
        #expect(try bodies("service=auth&direction=forward") == ["user signed in", "Payment failed: 100% declined", "cache miss"])
        #expect(results["severity=loud"]?.status == 400)
        #expect(results["severity=loud"]?.text.hasPrefix("severity:") == true)
        #expect(results["direction=sideways"]?.status == 400)
        await service.stop()
    }

    @Test func logsPageBackwardsBySpanAndCursor() async throws {
        let service = try await startService()
        let port = service.boundAddress.port
        let trace = randomTraceID()
        // Five records of one trace, two of them from span 00000000000000b2, two at the same time.
        let records = [(0, "b1"), (1, "b2"), (1, "b2"), (2, "b1"), (3, "b3")].enumerated().map { index, item in
            """
            {"timeUnixNano":"\(1_700_000_000_000_000_000 + item.0 * 1_000_000_000)","severityNumber":9,
             "traceId":"\(trace)","spanId":"00000000000000\(item.1)","body":{"stringValue":"record \(index)"}}
            """
        }
        let body = """
            {"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"pager"}}]},
             "scopeLogs":[{"logRecords":[\(records.joined(separator: ","))]}]}]}
            """
        let (bySpan, firstPage, badSpan, badCursor) = try await blocking {
            let client = try RawHTTPClient(port: port)
            _ = try client.send("POST", "/v1/logs", headers: [("Content-Type", "application/json")], body: Array(body.utf8))
            return (
                try client.send("GET", "/api/logs?traceId=\(trace)&spanId=00000000000000b2"),
                try client.send("GET", "/api/logs?traceId=\(trace)&limit=2"), try client.send("GET", "/api/logs?spanId=xyz"),
                try client.send("GET", "/api/logs?before=soon")
            )
        }
        func bodies(_ response: RawHTTPResponse) throws -> [String] {
            (try json(response)["logs"] as? [[String: Any]] ?? []).compactMap { $0["body"] as? String }
        }
        #expect(try bodies(bySpan).sorted() == ["record 1", "record 2"])
        #expect(try bodies(firstPage) == ["record 4", "record 3"])
        // Paging with the last record's cursor walks back through equal times without a gap or a repeat.
        var seen = try bodies(firstPage)
        var cursor = (try json(firstPage)["logs"] as? [[String: Any]])?.last?["cursor"] as? String
        while let next = cursor {
            let page = try await blocking { try RawHTTPClient(port: port).send("GET", "/api/logs?traceId=\(trace)&limit=2&before=\(next)") }
            let items = try json(page)["logs"] as? [[String: Any]] ?? []
            seen += items.compactMap { $0["body"] as? String }
            cursor = items.count == 2 ? items.last?["cursor"] as? String : nil
        }
        #expect(seen == ["record 4", "record 3", "record 2", "record 1", "record 0"])
        #expect(badSpan.status == 400)
        #expect(badSpan.text.hasPrefix("spanId:"))
        #expect(badCursor.status == 400)
        #expect(badCursor.text.hasPrefix("before:"))
        await service.stop()
    }

    @Test func dependenciesCountCallsAndErrorsBetweenServices() async throws {
        let service = try await startService()
        let port = service.boundAddress.port
        let trace = randomTraceID()
        let now = UInt64(Date().timeIntervalSince1970) * 1_000_000_000
        func span(_ id: String, _ parent: String, _ status: Int) -> String {
            """
            {"traceId":"\(trace)","spanId":"\(id)","parentSpanId":"\(parent)","name":"op","kind":2,
             "startTimeUnixNano":"\(now)","endTimeUnixNano":"\(now + 1000)","status":{"code":\(status)}}
            """
        }
        func resource(_ name: String, _ spans: [String]) -> String {
            """
            {"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"\(name)"}}]},
             "scopeSpans":[{"spans":[\(spans.joined(separator: ","))]}]}
            """
        }
        // web → api twice (one error), api → db once, and a call inside api that is no edge.
        let body = "{\"resourceSpans\":[" + [
            resource("web", [span("0000000000000001", "", 0)]),
            resource("api", [span("0000000000000002", "0000000000000001", 0), span("0000000000000003", "0000000000000001", 2),
                             span("0000000000000004", "0000000000000002", 0)]),
            resource("db", [span("0000000000000005", "0000000000000004", 0)]),
        ].joined(separator: ",") + "]}"
        let (recent, old) = try await blocking {
            let client = try RawHTTPClient(port: port)
            _ = try client.send("POST", "/v1/traces", headers: [("Content-Type", "application/json")], body: Array(body.utf8))
            return (try client.send("GET", "/api/dependencies"), try client.send("GET", "/api/dependencies?start=1000&end=2000"))
        }
        let edges = try json(recent)["dependencies"] as? [[String: Any]] ?? []
        let found = Set(edges.map { "\($0["parent"] ?? "")>\($0["child"] ?? "") \($0["callCount"] ?? "") \($0["errorCount"] ?? "")" })
        #expect(found == ["web>api 2 1", "api>db 1 0"])
        #expect((try json(old)["dependencies"] as? [Any])?.isEmpty == true)
        await service.stop()
    }

    // Each child's parent is found through an index built for the query: looked up in the
    // stored trace index instead, every child would read the whole trace.
    @Test func dependenciesOfALargeTraceAreCountedOncePerCall() async throws {
        let service = try await startService()
        let port = service.boundAddress.port
        let trace = randomTraceID()
        let now = UInt64(Date().timeIntervalSince1970) * 1_000_000_000
        let root = "00000000000000ff"
        func span(_ index: Int, parent: String?) -> String {
            let id = String(format: "%016x", index + 0x1000)
            return """
                {"traceId":"\(trace)","spanId":"\(parent == nil ? root : id)","parentSpanId":"\(parent ?? "")",\
                "name":"op","kind":2,"startTimeUnixNano":"\(now + UInt64(index))","endTimeUnixNano":"\(now + 5000)",\
                "status":{"code":\(index % 10 == 0 ? 2 : 0)}}
                """
        }
        func resource(_ name: String, _ spans: [String]) -> String {
            """
            {"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"\(name)"}}]},
             "scopeSpans":[{"spans":[\(spans.joined(separator: ","))]}]}
            """
        }
        let children = 3000
        let body = "{\"resourceSpans\":[" + resource("web", [span(0, parent: nil)]) + ","
            + resource("api", (1...children).map { span($0, parent: root) }) + "]}"
        let (posted, answer) = try await blocking {
            let client = try RawHTTPClient(port: port)
            let posted = try client.send(
                "POST", "/v1/traces", headers: [("Content-Type", "application/json")], body: Array(body.utf8))
            return (posted, try client.send("GET", "/api/dependencies"))
        }
        #expect(posted.status == 200)
        let edges = try json(answer)["dependencies"] as? [[String: Any]] ?? []
        #expect(edges.count == 1)
        #expect(edges.first?["parent"] as? String == "web")
        #expect(edges.first?["child"] as? String == "api")
        #expect(edges.first?["callCount"] as? Int == children)
        #expect(edges.first?["errorCount"] as? Int == children / 10)
        await service.stop()
    }
}
