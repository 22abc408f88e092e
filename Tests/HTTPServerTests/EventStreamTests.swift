import Foundation
import HTTPServer
import TestSupport
import Testing

/// Starts a server whose `/events` route streams from `broadcaster`.
private func eventServer(_ broadcaster: EventBroadcaster) throws -> HTTPServer {
    var router = Router()
    router.add(Route("GET", "/events", handler: .immediate { request in
        broadcaster.response(for: request, knownTopics: ["alerts", "views", "health"])
    }))
    router.add(Route("GET", "/hello", handler: .immediate { _ in .text("hello") }))
    let server = HTTPServer(
        configuration: HTTPServerConfiguration(address: ListenAddress("127.0.0.1:0")!), router: router)
    try server.start()
    return server
}

@Suite("Server-sent events over a real socket")
struct EventStreamTests {
    @Test func eventsArriveInOrderWithIncreasingIDsAndTheRightHeaders() async throws {
        let broadcaster = EventBroadcaster()
        let server = try eventServer(broadcaster)
        let port = server.boundAddress.port
        let (client, opening) = try await blocking {
            let client = try EventStreamClient(port: port, path: "/events?topics=alerts,views")
            try client.readHead()
            return (client, try client.next())
        }
        #expect(client.status == 200)
        #expect(client.header("Content-Type") == "text/event-stream; charset=utf-8")
        #expect(client.header("Cache-Control") == "no-cache")
        #expect(client.header("X-Accel-Buffering") == "no")
        #expect(opening.retry == 2000)
        #expect(opening.comments == ["connected"])
        broadcaster.publish(topic: "alerts", data: "{\"n\":1}")
        broadcaster.publish(topic: "health", data: "not subscribed")
        broadcaster.publish(topic: "views", data: "line one\nline two")
        let events = try await blocking { [client] in [try client.nextEvent(), try client.nextEvent()] }
        #expect(events.map(\.id) == ["1", "3"])
        #expect(events.map(\.event) == ["alerts", "views"])
        #expect(events[0].data == "{\"n\":1}")
        #expect(events[1].data == "line one\nline two")
        #expect(broadcaster.clientCount == 1)
        await server.stop()
    }

    @Test func reconnectWithLastEventIDReplaysWhatWasMissedOrSaysReset() async throws {
        let broadcaster = EventBroadcaster(replayCapacity: 4)
        let server = try eventServer(broadcaster)
        let port = server.boundAddress.port
        for index in 1...6 { broadcaster.publish(topic: index % 2 == 0 ? "alerts" : "views", data: "\(index)") }
        let (replayed, reset, fromQuery) = try await blocking {
            let replay = try EventStreamClient(
                port: port, path: "/events?topics=alerts,views", headers: [("Last-Event-ID", "3")])
            try replay.readHead()
            let replayed = try (0..<3).map { _ in try replay.nextEvent() }
            let tooOld = try EventStreamClient(port: port, path: "/events", headers: [("Last-Event-ID", "1")])
            try tooOld.readHead()
            let reset = try tooOld.nextEvent()
            let query = try EventStreamClient(port: port, path: "/events?topics=alerts&lastEventId=4")
            try query.readHead()
            return (replayed, reset, try query.nextEvent())
        }
        #expect(replayed.map(\.id) == ["4", "5", "6"])
        #expect(replayed.map(\.data) == ["4", "5", "6"])
        #expect(reset.event == "reset")
        #expect(reset.id == "6")
        // Only the subscribed topic is replayed: 5 is on "views".
        #expect(fromQuery.id == "6")
        await server.stop()
    }

    @Test func aClientOfAnEarlierRunIsToldToReset() async throws {
        // This run's ids start at 1,000; the earlier run's ended below it, or past the events
        // this one has published so far.
        let broadcaster = EventBroadcaster(firstEventID: 1_000)
        let server = try eventServer(broadcaster)
        let port = server.boundAddress.port
        broadcaster.publish(topic: "alerts", data: "a")
        broadcaster.publish(topic: "alerts", data: "b")
        #expect(broadcaster.lastEventID == 1_001)
        let (fromBelow, fromAbove, resumed) = try await blocking {
            func first(_ lastEventID: String) throws -> EventStreamClient.Event {
                let client = try EventStreamClient(port: port, path: "/events?topics=alerts", headers: [("Last-Event-ID", lastEventID)])
                try client.readHead()
                return try client.nextEvent()
            }
            return (try first("7"), try first("5000"), try first("1000"))
        }
        #expect(fromBelow.event == "reset" && fromBelow.id == "1001")
        #expect(fromAbove.event == "reset" && fromAbove.id == "1001")
        #expect(resumed.event == "alerts" && resumed.id == "1001" && resumed.data == "b")
        await server.stop()
    }

    @Test func heartbeatIsAComment() async throws {
        let broadcaster = EventBroadcaster()
        let server = try eventServer(broadcaster)
        let port = server.boundAddress.port
        let client = try await blocking {
            let client = try EventStreamClient(port: port, path: "/events")
            try client.readHead()
            _ = try client.next()
            return client
        }
        let heartbeat = Task { await broadcaster.runHeartbeat(every: .milliseconds(100)) }
        let beat = try await blocking { [client] in try client.next(timeout: 30) }
        heartbeat.cancel()
        #expect(beat.comments == ["heartbeat"])
        #expect(beat.id == nil)
        await server.stop()
    }

    @Test func aStalledClientIsDroppedWhileAReadingClientGetsEverything() async throws {
        let broadcaster = EventBroadcaster(maxBufferedBytesPerClient: 64 * 1024)
        let server = try eventServer(broadcaster)
        let port = server.boundAddress.port
        let (reader, stalled) = try await blocking {
            let stalled = try EventStreamClient(port: port, path: "/events?topics=views", receiveBuffer: 4096)
            try stalled.readHead()
            let reader = try EventStreamClient(port: port, path: "/events?topics=views")
            try reader.readHead()
            _ = try reader.next()
            return (reader, stalled)
        }
        #expect(broadcaster.clientCount == 2)
        let payload = String(repeating: "x", count: 16 * 1024)
        let received = try await blocking { [reader] in
            var ids: [String] = []
            for index in 1...200 {
                broadcaster.publish(topic: "views", data: "\(index) \(payload)")
                ids.append(try reader.nextEvent(timeout: 5).id ?? "")
            }
            return ids
        }
        #expect(received == (1...200).map(String.init))
        #expect(broadcaster.droppedClients == 1)
        #expect(broadcaster.clientCount == 1)
        // The server still answers other requests.
        let hello = try await blocking { try RawHTTPClient(port: port).send("GET", "/hello") }
        #expect(hello.status == 200)
        // The dropped client's connection is closed at once, not left to time out.
        let closed = try await blocking { [stalled] in stalled.closedByServer(timeout: 5) }
        #expect(closed)
        // Stop ends the reader's open stream rather than waiting out a grace period of 300 s.
        let started = ContinuousClock.now
        await server.stop(gracePeriodSeconds: 300)
        #expect(ContinuousClock.now - started < .seconds(120))
    }

    @Test func clientsPastTheCapGet503AndUnknownTopics400() async throws {
        let broadcaster = EventBroadcaster(maxClients: 2)
        let server = try eventServer(broadcaster)
        let port = server.boundAddress.port
        let (first, second, third, unknown) = try await blocking {
            let first = try EventStreamClient(port: port, path: "/events")
            try first.readHead()
            let second = try EventStreamClient(port: port, path: "/events")
            try second.readHead()
            let third = try EventStreamClient(port: port, path: "/events")
            try third.readHead()
            let unknown = try EventStreamClient(port: port, path: "/events?topics=alerts,nope")
            try unknown.readHead()
            return (first, second, third, unknown)
        }
        #expect(first.status == 200)
        #expect(second.status == 200)
        #expect(third.status == 503)
        #expect(third.header("Retry-After") == "5")
        #expect(third.bodyText.contains("at most 2"))
        #expect(unknown.status == 400)
        #expect(unknown.bodyText.contains("unknown topic \"nope\""))
        await server.stop()
    }

    @Test func aClientThatLeavesIsNoticedAndStopEndsOpenStreams() async throws {
        let broadcaster = EventBroadcaster()
        let server = try eventServer(broadcaster)
        let port = server.boundAddress.port
        try await blocking {
            let leaving = try EventStreamClient(port: port, path: "/events")
            try leaving.readHead()
        }
        let staying = try await blocking {
            let client = try EventStreamClient(port: port, path: "/events")
            try client.readHead()
            return client
        }
        // The departed client is found when something is written to it.
        for _ in 0..<50 where broadcaster.clientCount > 1 {
            broadcaster.heartbeat()
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(broadcaster.clientCount == 1)
        #expect(server.openStreamCount == 1)
        // Stop ends the open stream rather than waiting out its grace period: with a grace
        // period of 300 s it returns well within it. (A 3 s bound on the default 5 s grace
        // failed twice under make test's parallel load, when the stop's own polling waited for
        // a thread of the shared pool; such waits have reached 25 s.)
        let started = ContinuousClock.now
        await server.stop(gracePeriodSeconds: 300)
        #expect(ContinuousClock.now - started < .seconds(120))
        let closed = try await blocking { [staying] in staying.closedByServer(timeout: 3) }
        #expect(closed)
        #expect(broadcaster.clientCount == 0)
    }
}
