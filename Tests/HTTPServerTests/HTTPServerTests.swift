import Foundation
import HTTPServer
import Synchronization
import TestSupport
import Testing

/// Starts a server on an ephemeral loopback port with routes that exercise every path.
func makeServer(
    maxBody: Int = 64 * 1024, maxInflated: Int = 1024 * 1024,
    observer: (@Sendable (CompletedRequest) -> Void)? = nil
) throws -> HTTPServer {
    var router = Router()
    router.add(Route("GET", "/hello", handler: .immediate { _ in .text("hello") }))
    router.add(Route("GET", "/big", handler: .immediate { _ in .text(String(repeating: "metric_line 1\n", count: 1000)) }))
    router.add(Route("POST", "/echo", handler: .immediate { request in
        HTTPResponse(contentType: "application/octet-stream", body: request.body)
    }))
    router.add(Route("POST", "/together", handler: .suspending { request in
        // Waits until `expected` handlers are running at once. Handlers run one or two at a time
        // on the workers would never meet; handlers on suspended connections all do.
        let expected = Int(request.queryValue("expected") ?? "") ?? 1
        let group = request.queryValue("group") ?? ""
        inFlight.withLock { $0[group, default: 0] += 1 }
        for _ in 0..<2000 where inFlight.withLock({ $0[group, default: 0] }) < expected {
            try await Task.sleep(for: .milliseconds(5))
        }
        let met = inFlight.withLock { $0[group, default: 0] } >= expected
        return .text(met ? "met \(request.body.count)" : "alone")
    }))
    router.add(Route("GET", "/items/{id}", handler: .immediate { request in
        .text("item \(request.pathParameters["id"] ?? "?") q=\(request.queryValues("q").joined(separator: ","))")
    }))
    router.add(Route("GET", "/files/{name}", handler: .immediate { request in
        HTTPResponse(
            headers: HTTPHeaders([("Content-Type", "text/plain")]),
            body: .file(path: NSTemporaryDirectory() + (request.pathParameters["name"] ?? "")))
    }))
    router.add(Route("GET", "/hang", handler: .suspending { _ in
        hangingHandlers.add(1, ordering: .relaxed)
        try? await Task.sleep(for: .seconds(300))
        return .text("too late")
    }))
    router.add(Route("GET", "/fail", handler: .immediate { _ in
        throw HTTPError(status: 422, message: "field x is wrong")
    }))
    var configuration = HTTPServerConfiguration(address: ListenAddress("127.0.0.1:0")!)
    configuration.maxBodyBytes = maxBody
    configuration.maxInflatedBodyBytes = maxInflated
    let server = HTTPServer(configuration: configuration, router: router, observer: observer)
    try server.start()
    return server
}

/// Handlers running per test group, for the concurrency test.
let inFlight = Mutex<[String: Int]>([:])
/// How many /hang handlers have started.
let hangingHandlers = Atomic<Int>(0)

@Suite("HTTPServer over a real socket")
struct HTTPServerTests {
    @Test func answersGetAndKeepsTheConnectionAlive() async throws {
        let server = try makeServer()
        let port = server.boundAddress.port
        #expect(port != 0)
        let (first, second, closed) = try await blocking {
            let client = try RawHTTPClient(port: port)
            let first = try client.send("GET", "/hello")
            let second = try client.send("GET", "/hello")
            return (first, second, client.isClosedByServer())
        }
        #expect(first.status == 200)
        #expect(first.text == "hello\n")
        #expect(first.header("Content-Type") == "text/plain; charset=utf-8")
        #expect(second.status == 200)
        #expect(second.text == "hello\n")
        #expect(closed == false)
        await server.stop()
    }

    @Test func headSendsHeadersWithoutBody() async throws {
        let server = try makeServer()
        let port = server.boundAddress.port
        let (head, after) = try await blocking {
            let client = try RawHTTPClient(port: port)
            let head = try client.send("HEAD", "/hello")
            // The next response on the same connection must parse cleanly: no stray body bytes.
            return (head, try client.send("GET", "/hello"))
        }
        #expect(head.status == 200)
        #expect(head.header("Content-Length") == "6")
        #expect(head.body.isEmpty)
        #expect(after.text == "hello\n")
        await server.stop()
    }

    @Test func unknownPathIs404AndWrongMethodIs405WithAllow() async throws {
        let server = try makeServer()
        let port = server.boundAddress.port
        let (missing, wrongMethod, headOnPost) = try await blocking {
            let client = try RawHTTPClient(port: port)
            return (
                try client.send("GET", "/nope"), try client.send("GET", "/echo"),
                try client.send("DELETE", "/hello")
            )
        }
        #expect(missing.status == 404)
        #expect(wrongMethod.status == 405)
        #expect(wrongMethod.header("Allow") == "POST")
        #expect(headOnPost.status == 405)
        #expect(headOnPost.header("Allow") == "GET, HEAD")
        await server.stop()
    }

    @Test func pathParametersQueryAndHandlerErrors() async throws {
        let server = try makeServer()
        let port = server.boundAddress.port
        let (item, failure) = try await blocking {
            let client = try RawHTTPClient(port: port)
            return (try client.send("GET", "/items/42?q=a&q=b%20c"), try client.send("GET", "/fail"))
        }
        #expect(item.text == "item 42 q=a,b c\n")
        #expect(failure.status == 422)
        #expect(failure.text == "field x is wrong\n")
        await server.stop()
    }

    @Test func oversizeContentLengthIs413BeforeTheBodyIsRead() async throws {
        let server = try makeServer(maxBody: 1024)
        let port = server.boundAddress.port
        let response = try await blocking {
            let client = try RawHTTPClient(port: port)
            return try client.send("POST", "/echo", body: [UInt8](repeating: 7, count: 4096))
        }
        #expect(response.status == 413)
        #expect(response.text.contains("1024"))
        // The server keeps serving.
        let after = try await blocking { try RawHTTPClient(port: port).send("GET", "/hello") }
        #expect(after.status == 200)
        await server.stop()
    }

    @Test func gzipRequestBodiesAreInflated() async throws {
        let server = try makeServer()
        let port = server.boundAddress.port
        let original = Array("the quick brown fox jumps over the lazy dog\n".utf8)
        let compressed = try await ExternalTool.gzip(original)
        let response = try await blocking {
            try RawHTTPClient(port: port).send("POST", "/echo", headers: [("Content-Encoding", "gzip")], body: compressed)
        }
        #expect(response.status == 200)
        #expect(response.body == original)
        await server.stop()
    }

    @Test func gzipBombCorruptGzipAndUnknownEncodingAreRejected() async throws {
        let server = try makeServer(maxBody: 1024 * 1024, maxInflated: 1024 * 1024)
        let port = server.boundAddress.port
        let bomb = try await ExternalTool.gzip([UInt8](repeating: 0, count: 20 * 1024 * 1024))
        #expect(bomb.count < 1024 * 1024)
        let (bombResponse, corrupt, unknown, after) = try await blocking {
            let client = try RawHTTPClient(port: port)
            return (
                try client.send("POST", "/echo", headers: [("Content-Encoding", "gzip")], body: bomb),
                try client.send("POST", "/echo", headers: [("Content-Encoding", "gzip")], body: Array(bomb.prefix(100))),
                try client.send("POST", "/echo", headers: [("Content-Encoding", "br")], body: [1, 2, 3]),
                try client.send("GET", "/hello")
            )
        }
        #expect(bombResponse.status == 413)
        #expect(corrupt.status == 400)
        #expect(corrupt.text.contains("gzip"))
        #expect(unknown.status == 415)
        #expect(after.status == 200)
        await server.stop()
    }

    /// `Content-Encoding: deflate` (zlib's wrapper, as the OpenTelemetry Collector sends it)
    /// is inflated like gzip, under the same cap.
    @Test func deflateBodiesAreInflatedUnderTheSameCap() async throws {
        let server = try makeServer(maxBody: 1024 * 1024, maxInflated: 1024 * 1024)
        let port = server.boundAddress.port
        let original = Array(String(repeating: "deflate me ", count: 3_000).utf8)
        let bomb = zlibCompressed([UInt8](repeating: 0, count: 20 * 1024 * 1024))
        #expect(bomb.count < 1024 * 1024)
        let (echoed, named, bombResponse, corrupt, unknown) = try await blocking {
            let client = try RawHTTPClient(port: port)
            return (
                try client.send("POST", "/echo", headers: [("Content-Encoding", "deflate")], body: zlibCompressed(original)),
                // The OpenTelemetry Collector's `compression: zlib` names it so.
                try client.send("POST", "/echo", headers: [("Content-Encoding", "zlib")], body: zlibCompressed(original)),
                try client.send("POST", "/echo", headers: [("Content-Encoding", "Deflate")], body: bomb),
                try client.send("POST", "/echo", headers: [("Content-Encoding", "deflate")], body: Array(bomb.prefix(100))),
                try client.send("POST", "/echo", headers: [("Content-Encoding", "br")], body: [1, 2, 3])
            )
        }
        #expect(echoed.status == 200)
        #expect(echoed.body == original)
        #expect(named.status == 200)
        #expect(named.body == original)
        #expect(bombResponse.status == 413)
        #expect(bombResponse.text.contains("deflate body inflates to more than 1048576 bytes"), "\(bombResponse.text)")
        #expect(corrupt.status == 400)
        #expect(corrupt.text.contains("invalid deflate body: truncated deflate data"), "\(corrupt.text)")
        #expect(unknown.text.contains("use deflate, gzip, identity"), "\(unknown.text)")
        await server.stop()
    }

    @Test func responsesAreGzippedOnlyWhenAccepted() async throws {
        let server = try makeServer()
        let port = server.boundAddress.port
        let (plain, zipped, refused) = try await blocking {
            let client = try RawHTTPClient(port: port)
            return (
                try client.send("GET", "/big"),
                try client.send("GET", "/big", headers: [("Accept-Encoding", "gzip, deflate")]),
                try client.send("GET", "/big", headers: [("Accept-Encoding", "gzip;q=0, identity")])
            )
        }
        #expect(plain.header("Content-Encoding") == nil)
        #expect(zipped.header("Content-Encoding") == "gzip")
        #expect(zipped.header("Vary") == "Accept-Encoding")
        #expect(zipped.body.count < plain.body.count / 10)
        let gzip = try #require(ExternalTool.find("gzip"))
        let inflated = try await ExternalTool.run(gzip, ["-dc"], input: zipped.body)
        #expect(inflated.status == 0)
        #expect(inflated.stdout == plain.body)
        #expect(refused.header("Content-Encoding") == nil)
        await server.stop()
    }

    @Test func suspendingHandlersRunConcurrentlyOffTheWorkers() async throws {
        let server = try makeServer()
        let port = server.boundAddress.port
        let group = UUID().uuidString
        let answers = try await withThrowingTaskGroup(of: String.self) { tasks in
            for index in 0..<20 {
                tasks.addTask {
                    try await blocking {
                        try RawHTTPClient(port: port).send(
                            "POST", "/together?expected=20&group=\(group)", body: Array(repeating: 1, count: index + 1)
                        ).text
                    }
                }
            }
            return try await tasks.reduce(into: Set<String>()) { $0.insert($1) }
        }
        // All 20 were running at the same time on a server with at most 2 worker threads.
        #expect(answers == Set((1...20).map { "met \($0)\n" }))
        await server.stop()
    }

    @Test func observerSeesHandlerMethodAndStatus() async throws {
        let seen = Mutex<[CompletedRequest]>([])
        let server = try makeServer(observer: { request in seen.withLock { $0.append(request) } })
        let port = server.boundAddress.port
        _ = try await blocking {
            let client = try RawHTTPClient(port: port)
            _ = try client.send("GET", "/items/7")
            _ = try client.send("GET", "/missing")
            _ = try client.send("PROPFIND", "/hello")
        }
        let requests = seen.withLock { $0 }
        #expect(requests.map(\.handler) == ["/items/{id}", "not_found", "method_not_allowed"])
        #expect(requests.map(\.status) == [200, 404, 405])
        #expect(requests.map(\.method) == ["GET", "GET", "other"])
        #expect(requests.allSatisfy { $0.durationSeconds >= 0 && $0.durationSeconds < 5 })
        await server.stop()
    }

    @Test func fileBodiesAreSentAndMissingFilesAre404() async throws {
        let server = try makeServer()
        let port = server.boundAddress.port
        let name = "http-server-test-\(UUID().uuidString).txt"
        let contents = String(repeating: "0123456789", count: 500)
        try contents.write(toFile: NSTemporaryDirectory() + name, atomically: true, encoding: .utf8)
        let (file, missing) = try await blocking {
            let client = try RawHTTPClient(port: port)
            return (try client.send("GET", "/files/\(name)"), try client.send("GET", "/files/absent-\(name)"))
        }
        #expect(file.status == 200)
        #expect(file.header("Content-Length") == "5000")
        #expect(file.text == contents)
        #expect(missing.status == 404)
        await server.stop()
    }

    @Test func stopAnswersHandlersStillRunningWith503() async throws {
        let server = try makeServer()
        let port = server.boundAddress.port
        let before = hangingHandlers.load(ordering: .relaxed)
        async let response = blocking { try RawHTTPClient(port: port).send("GET", "/hang") }
        // Stop only once the handler is running, so the test is about stopping, not arriving.
        for _ in 0..<2000 where hangingHandlers.load(ordering: .relaxed) == before {
            try await Task.sleep(for: .milliseconds(5))
        }
        let started = Date()
        await server.stop(gracePeriodSeconds: 0.2)
        let answered = try await response
        #expect(answered.status == 503)
        // Far short of the handler's 300 s (and far above what a thread of the shared pool has
        // been seen to wait under make test's parallel load: 25 s).
        #expect(Date().timeIntervalSince(started) < 120, "not the handler's 300 s")
    }

    @Test func stopClosesTheListener() async throws {
        let server = try makeServer()
        let port = server.boundAddress.port
        await server.stop()
        #expect(throws: RawHTTPClient.ClientError.self) { _ = try RawHTTPClient(port: port) }
    }

    @Test func secondServerOnABusyPortFailsWithAMessage() async throws {
        let server = try makeServer()
        var configuration = HTTPServerConfiguration(address: server.boundAddress)
        configuration.threads = 1
        let clash = HTTPServer(configuration: configuration, router: Router())
        // SO_REUSEADDR lets a restarted server bind quickly but two live listeners still clash.
        do {
            try clash.start()
            await clash.stop()
            Issue.record("expected the second bind to fail")
        } catch {
            #expect(error.description.contains("\(server.boundAddress)"))
        }
        await server.stop()
    }
}
