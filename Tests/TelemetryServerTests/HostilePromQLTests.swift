import Foundation
import OTLP
import PromQL
import SnappyCodec
import SwiftProtobuf
@testable import TelemetryServer
import TestSupport
import Testing

private func escaped(_ text: String) -> String {
    text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
}

/// Defects of the PromQL API found by fuzzing the engine (`Fuzz/`) and trying what it found
/// against the server, over a real socket.
@Suite("Hostile input: PromQL queries")
struct HostilePromQLTests {
    /// One request used to abort the server: a subquery's points were reserved for its whole
    /// range up front (`[10000y:1s]`: 5 TB), and the allocation failed. Now the points count
    /// against `--query.max-samples` as they are produced: 422, and the server keeps serving.
    @Test func aHugeSubqueryIsAnErrorNotACrash() async throws {
        let service = try await startService { $0.queryMaxSamples = 100_000 }
        let port = service.boundAddress.port
        let (huge, after) = try await blocking {
            let client = try RawHTTPClient(port: port, timeoutSeconds: 60)
            return (
                try client.send("GET", "/api/v1/query?query=" + escaped("count_over_time(vector(1)[10000y:1s])")),
                try client.send("GET", "/api/v1/query?query=1%2B1")
            )
        }
        #expect(huge.status == 422)
        #expect(huge.text.contains("\"errorType\":\"execution\""))
        #expect(huge.text.contains("too many samples"))
        #expect(after.status == 200)
        #expect(after.text.contains("\"2\""))
        await service.stop()
    }

    /// A query of 100,000 nested parentheses (a 200 KB form body) overflowed the stack of the
    /// thread parsing it, and the process ended without a word. Now it is a 400.
    @Test func aDeeplyNestedQueryIsA400() async throws {
        let service = try await startService()
        let port = service.boundAddress.port
        let query = String(repeating: "(", count: 100_000) + "1" + String(repeating: ")", count: 100_000)
        let (deep, after) = try await blocking {
            let client = try RawHTTPClient(port: port, timeoutSeconds: 60)
            return (
                try client.send(
                    "POST", "/api/v1/query", headers: [("Content-Type", "application/x-www-form-urlencoded")],
                    body: Array(("query=" + escaped(query)).utf8)),
                try client.send("GET", "/api/v1/query?query=1%2B1")
            )
        }
        #expect(deep.status == 400)
        #expect(deep.text.contains("nested too deeply"))
        #expect(after.status == 200)
        await service.stop()
    }

    /// A selector's pattern is matched against every series name in the history; Swift's
    /// `Regex` backtracks, and `(.|.)*zzz` against a 35-character name takes 2^35 steps (hours,
    /// with no way to stop the match at the query's timeout). Patterns are now matched in
    /// linear time, as Prometheus's RE2 matches them.
    @Test func aBacktrackingPatternIsAnsweredAtOnce() async throws {
        let service = try await startService()
        let port = service.boundAddress.port
        let names = "/api/v1/series?match[]=" + escaped("{__name__=~\"(telemetryd|t)_(.|.)*_total\"}")
        // The history holds the server's own metrics once it has sampled them.
        var plain: RawHTTPResponse?
        for _ in 0..<60 {
            plain = try await blocking { try RawHTTPClient(port: port, timeoutSeconds: 60).send("GET", names) }
            if plain?.text.contains("telemetryd_") == true { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        #expect(plain?.status == 200)
        #expect(plain?.text.contains("telemetryd_") == true)
        let started = ContinuousClock.now
        let evil = try await blocking {
            try RawHTTPClient(port: port, timeoutSeconds: 120).send("GET", "/api/v1/query?query=" + escaped("{__name__=~\"(.|.)*zzz\"}"))
        }
        #expect(evil.status == 200)
        #expect(evil.text.contains("\"result\":[]"))
        // Generous for a loaded machine; a backtracking matcher takes hours.
        #expect(ContinuousClock.now - started < .seconds(60))
        await service.stop()
    }

    /// PromQL evaluation had the threads of every other handler: two queries that computed
    /// until their timeout held up OTLP exports for as long (97 s measured with the default
    /// timeout). Queries now evaluate on threads of their own; with all of them busy and more
    /// queries waiting, an export and a scrape are answered before any query ends.
    @Test func queriesRunningToTheirTimeoutDoNotHoldUpIngest() async throws {
        let service = try await startService { $0.queryEngineTimeout = PrometheusDuration(milliseconds: 4000) }
        let port = service.boundAddress.port
        // 3 × 10^12 subquery steps over a series that does not exist: no memory, only time.
        let slow = "/api/v1/query?query=" + escaped("count_over_time(no_such_metric[100y:1ms])")
        let busy = 2 * ProcessInfo.processInfo.activeProcessorCount + 2
        let queries = (0..<busy).map { _ in
            Task {
                try await blocking {
                    let response = try RawHTTPClient(port: port, timeoutSeconds: 60).send("GET", slow)
                    return (response, ContinuousClock.now)
                }
            }
        }
        try await Task.sleep(for: .milliseconds(500))
        let (export, scrape, answered) = try await blocking {
            let client = try RawHTTPClient(port: port, timeoutSeconds: 60)
            let body = Array(try traceRequest(traceID: randomTraceID(), service: "checkout").serializedData())
            let export = try client.send("POST", "/v1/traces", headers: [("Content-Type", "application/x-protobuf")], body: body)
            return (export, try client.send("GET", "/metrics"), ContinuousClock.now)
        }
        #expect(export.status == 200)
        #expect(scrape.status == 200)
        var ended: [ContinuousClock.Instant] = []
        for query in queries {
            let (response, at) = try await query.value
            ended.append(at)
            #expect(response.status == 503)
            #expect(response.text.contains("\"errorType\":\"timeout\""))
        }
        if let first = ended.min() { #expect(answered < first, "the export waited for a query") }
        await service.stop()
    }

    /// Thousands of `match[]` patterns over thousands of series take minutes (2,000 over 19,000
    /// series: 50 s on a release build), and the selection held the history's lock throughout,
    /// so no sample could be appended meanwhile, and it ran on the handlers' threads with no
    /// timeout. Now each pattern takes the lock on its own, the selection runs on the query
    /// threads, and past `--query.timeout` it is a 503 `timeout`.
    @Test func aHugeSeriesSelectionTimesOutAndDoesNotHoldUpAppends() async throws {
        let service = try await startService { $0.queryEngineTimeout = PrometheusDuration(milliseconds: 3_000) }
        defer { Task { await service.stop() } }
        let port = service.boundAddress.port
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        @Sendable func write(_ names: Range<Int>, at time: Int64) throws -> RawHTTPResponse {
            let series = names.map { (labels: Labels([("__name__", "selection_\($0)"), ("job", "load")]), samples: [Sample(time: time, value: 1)]) }
            let body = Snappy.compress(WriteRequest(series: series).encoded())
            return try RawHTTPClient(port: port).send("POST", "/api/v1/write", headers: [("Content-Encoding", "snappy")], body: body)
        }
        #expect(try await blocking { try write(0..<5_000, at: now - 1_000) }.status == 204)
        let form = (0..<3_000).map { "match%5B%5D=" + escaped("{__name__=~\".*x.*y.*z.*\($0)\"}") }.joined(separator: "&")
        let selection = Task {
            try await blocking {
                let started = Date()
                let response = try RawHTTPClient(port: port, timeoutSeconds: 600).send(
                    "POST", "/api/v1/series", headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Array(form.utf8))
                return (response, Date().timeIntervalSince(started))
            }
        }
        try await Task.sleep(for: .milliseconds(500))
        let (appended, appendSeconds) = try await blocking {
            let started = Date()
            return (try write(0..<1, at: now), Date().timeIntervalSince(started))
        }
        let (selected, selectionSeconds) = try await selection.value
        #expect(appended.status == 204)
        #expect(selected.status == 503)
        #expect(selected.text.contains("\"errorType\":\"timeout\""))
        #expect(appendSeconds < selectionSeconds / 2, "append \(appendSeconds) s, selection \(selectionSeconds) s")
        #expect(selectionSeconds < 60)
    }
}
