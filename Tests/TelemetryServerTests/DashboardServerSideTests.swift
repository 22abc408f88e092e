import Foundation
import TelemetryServer
import TestSupport
import Testing

private func apiData(_ response: RawHTTPResponse) throws -> Any? {
    (try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])?["data"]
}

/// The dashboard's server side over a real socket: the views API, the event stream's views
/// and health topics, the built-in copy of the app, and the query check.
@Suite("Dashboard server side")
struct DashboardServerSideTests {
    @Test func viewsAreValidatedStoredChangedRemovedAndKeptAcrossARestart() async throws {
        let storage = FileManager.default.temporaryDirectory.appendingPathComponent("views-\(UUID().uuidString)").path
        let service = try await startService { $0.storagePath = storage }
        let port = service.boundAddress.port
        let defaults = try #require(try apiData(try await blocking { try RawHTTPClient(port: port).send("GET", "/api/v1/views") }) as? [[String: Any]])
        #expect(defaults.compactMap { $0["id"] as? String } == ["http-requests", "ingest-spans", "resident-memory", "write-queue"])

        let bad: [(String, String)] = [
            (#"{"id":"a","expr":"sum(rate(x[5m])"}"#, #"expr: 1:16: parse error"#),
            (#"{"id":"a","expr":"up","refresh":"100ms"}"#, "refresh: 100ms is below the minimum of 250ms"),
            (#"{"id":"a","expr":"up","chart":"pie"}"#, #"chart: \"pie\" is not one of line, area, bars, stat, gauge, heatmap, table"#),
            (#"{"id":"a b","expr":"up"}"#, "id: \\\"a b\\\" must be 1 to 64 letters"),
            (#"{"id":"a","expr":"up","colour":"red"}"#, "colour: unknown field"),
            (#"{"id":"a","expr":"up","range":"soon"}"#, #"range: \"soon\" is not a duration"#),
            (#"{"id":"a"}"#, "expr: missing"),
            ("[1]", "a view must be a JSON object"),
        ]
        for (body, message) in bad {
            let answer = try await blocking { try RawHTTPClient(port: port).send("POST", "/api/v1/views", body: Array(body.utf8)) }
            #expect(answer.status == 400, "\(body)")
            #expect(answer.text.contains(message), "\(answer.text)")
        }
        let created = try await blocking {
            try RawHTTPClient(port: port).send(
                "POST", "/api/v1/views", body: Array(#"{"title":"Queue depth!","expr":"queue_depth","chart":"gauge","refresh":"250ms"}"#.utf8))
        }
        #expect(created.status == 200)
        let view = try #require(try apiData(created) as? [String: Any])
        let id = try #require(view["id"] as? String)
        #expect(id.hasPrefix("queue-depth-"))
        #expect(view["refresh"] as? String == "250ms")
        #expect(view["range"] as? String == "1h")
        let duplicate = try await blocking {
            try RawHTTPClient(port: port).send("POST", "/api/v1/views", body: Array(#"{"id":"\#(id)","expr":"up"}"#.utf8))
        }
        #expect(duplicate.status == 409)
        let changed = try await blocking {
            try RawHTTPClient(port: port).send("PUT", "/api/v1/views/\(id)", body: Array(#"{"expr":"queue_depth * 2","chart":"line"}"#.utf8))
        }
        #expect(changed.status == 200)
        #expect((try apiData(changed) as? [String: Any])?["expr"] as? String == "queue_depth * 2")
        let missing = try await blocking { try RawHTTPClient(port: port).send("PUT", "/api/v1/views/nope", body: Array(#"{"expr":"up"}"#.utf8)) }
        #expect(missing.status == 404)
        let removed = try await blocking { try RawHTTPClient(port: port).send("DELETE", "/api/v1/views/write-queue") }
        #expect(removed.status == 200)

        // After a restart: the changed view is kept, and the deleted default stays deleted.
        await service.stop()
        let restarted = try await startService { $0.storagePath = storage }
        let newPort = restarted.boundAddress.port
        let listed = try #require(try apiData(try await blocking { try RawHTTPClient(port: newPort).send("GET", "/api/v1/views") }) as? [[String: Any]])
        #expect(listed.compactMap { $0["id"] as? String } == ["http-requests", "ingest-spans", "resident-memory", id])
        #expect(listed.last?["expr"] as? String == "queue_depth * 2")
        await restarted.stop()
    }

    @Test func viewsTopicCarriesLiveValuesAtTheViewsRefresh() async throws {
        let service = try await startService { $0.historyInterval = .init(milliseconds: 60_000) }
        let port = service.boundAddress.port
        let gauge = try service.registry.gauge(name: "queue_depth", help: "Items waiting.")
        gauge.set(3)
        _ = try await blocking {
            try RawHTTPClient(port: port).send(
                "POST", "/api/v1/views", body: Array(#"{"id":"depth","expr":"queue_depth","chart":"stat","refresh":"250ms"}"#.utf8))
        }
        let client = try await blocking {
            let client = try EventStreamClient(port: port, path: "/api/v1/events?topics=views")
            try client.readHead()
            return client
        }
        func nextDepth() async throws -> (value: String, time: Double) {
            try await blocking { [client] in
                while true {
                    // Every 250 ms; generous for a machine loaded by the tests running alongside.
                    let event = try client.nextEvent(timeout: 15)
                    guard let object = try JSONSerialization.jsonObject(with: Data(event.data.utf8)) as? [String: Any],
                        object["id"] as? String == "depth",
                        let result = (object["result"] as? [String: Any])?["result"] as? [[String: Any]],
                        let value = result.first?["value"] as? [Any]
                    else { continue }
                    return (value[1] as? String ?? "", object["time"] as? Double ?? 0)
                }
            }
        }
        let first = try await nextDepth()
        #expect(first.value == "3")
        // The history samples once a minute here: the new value comes from the live registry.
        // Events published before the change may still wait in the stream when this test is
        // slow to read (a loaded machine): they are skipped by their time, not their count.
        let changed = Date().timeIntervalSince1970
        gauge.set(42)
        var seen = try await nextDepth()
        while seen.time < changed { seen = try await nextDepth() }
        #expect(seen.value == "42")
        let third = try await nextDepth()
        // 250 ms apart (a tick may come up to 50 ms early, or late on a loaded machine).
        #expect(third.time - seen.time >= 0.2)
        #expect(third.time - seen.time < 2)
        await service.stop()
    }

    @Test func eventIDsStartAtTheStartTimeSoAClientOfAnEarlierRunReloads() async throws {
        let started = UInt64(Date().timeIntervalSince1970 * 1_000_000)
        let service = try await startService()
        let port = service.boundAddress.port
        let (health, stale) = try await blocking {
            let client = try EventStreamClient(port: port, path: "/api/v1/events?topics=health")
            try client.readHead()
            // A browser that was reading an earlier run (which numbered from its own start).
            let earlier = try EventStreamClient(port: port, path: "/api/v1/events?topics=health&lastEventId=42")
            try earlier.readHead()
            return (try client.nextEvent(timeout: 30), try earlier.nextEvent(timeout: 30))
        }
        let id = try #require(UInt64(health.id ?? ""))
        #expect(id >= started && id < started + 60_000_000, "first id \(id), started at \(started) µs")
        #expect(stale.event == "reset")
        await service.stop()
    }

    @Test func healthTopicReportsIngestAndTheEventStreamRefusesPastItsCap() async throws {
        let service = try await startService { $0.maxEventClients = 1 }
        let port = service.boundAddress.port
        let (health, refused) = try await blocking {
            let client = try EventStreamClient(port: port, path: "/api/v1/events?topics=health")
            try client.readHead()
            let second = try EventStreamClient(port: port, path: "/api/v1/events")
            try second.readHead()
            return (try client.nextEvent(timeout: 30), second.status)
        }
        #expect(health.event == "health")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(health.data.utf8)) as? [String: Any])
        #expect(object["eventClients"] as? Int == 1)
        #expect((object["storageBytes"] as? Double ?? 0) > 0)
        #expect(object["ingest"] is [String: Any])
        #expect(refused == 503)
        let metrics = try await blocking { try RawHTTPClient(port: port).send("GET", "/metrics") }
        #expect(metricSamples(metrics.text)["telemetryd_dashboard_event_clients"] == 1)
        await service.stop()
    }

    @Test func theBuiltInCopyMatchesTheDashboardsFolderAndIsServed() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let folder = root.appendingPathComponent("dashboards").path
        let result = try await ExternalTool.run("/usr/bin/env", ["python3", root.appendingPathComponent("scripts/embed-dashboards.py").path, "--check"])
        #expect(result.status == 0, "\(result.stderr)")
        let service = try await startService()
        let port = service.boundAddress.port
        let (index, script, uplot, missing, check) = try await blocking {
            let client = try RawHTTPClient(port: port)
            return (
                try client.send("GET", "/"), try client.send("GET", "/js/app.js"), try client.send("GET", "/vendor/uplot/uPlot.iife.js"),
                try client.send("GET", "/js/../../Package.swift"), try client.send("GET", "/api/v1/query_check?query=sum(up")
            )
        }
        #expect(index.text == (try String(contentsOfFile: folder + "/index.html", encoding: .utf8)))
        #expect(script.body == Array(try Data(contentsOf: URL(fileURLWithPath: folder + "/js/app.js"))))
        #expect(uplot.header("Cache-Control") == "public, max-age=86400")
        #expect(index.header("Content-Security-Policy")?.contains("script-src 'self'") == true)
        #expect(missing.status == 404)
        let verdict = try #require(try apiData(check) as? [String: Any])
        #expect(check.status == 200)
        #expect(verdict["valid"] as? Bool == false)
        #expect(verdict["column"] as? Int == 7)
        await service.stop()
    }

    @Test func theAppsOwnScriptsAndStylesStayUnder150KB() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let folder = root.appendingPathComponent("dashboards")
        var total = 0
        for sub in ["js", "css"] {
            let enumerator = FileManager.default.enumerator(atPath: folder.appendingPathComponent(sub).path)
            while let path = enumerator?.nextObject() as? String {
                let attributes = try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(sub).appendingPathComponent(path).path)
                if (attributes[.type] as? FileAttributeType) == .typeRegular { total += (attributes[.size] as? Int) ?? 0 }
            }
        }
        #expect(total > 10_000)
        #expect(total < 150 * 1024, "the app's own JS and CSS are \(total) bytes")
    }
}
