import Foundation
import TelemetryServer
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A fresh storage directory path.
func temporaryStorage() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("telemetryd-test-\(UUID().uuidString)").path
}

/// Defects found by trying the HTTP server as an attacker would (issue "hold under hostile
/// input"), each reproduced over a real socket against a real telemetryd.
@Suite("Hostile input: HTTP")
struct HostileHTTPTests {
    /// Defect 3: connections sending a header line every few seconds held the server; now a
    /// header deadline closes them, one address cannot take every connection, and the
    /// health endpoints answer other clients meanwhile.
    @Test func slowlorisIsCutOffAndHealthEndpointsKeepAnswering() async throws {
        let (process, port) = try await launchTelemetryd(
            storage: temporaryStorage(), config: "web:\n  per_ip_connection_limit: 20\n  request_header_timeout: 1s\n")
        let result = try await blocking { () throws -> (probes: [(Int, Double)], closed: Int, idleReused: Int, metrics: String) in
            // A keep-alive client that has finished a request and idles is not a slowloris.
            let idle = try RawHTTPClient(port: port)
            _ = try idle.send("GET", "/-/healthy")
            let slow = try (0..<30).map { _ in try RawHTTPClient(port: port, timeoutSeconds: 5) }
            for client in slow { try? client.writeRaw(Array("GET /metrics HTTP/1.1\r\nHost: x\r\n".utf8)) }
            var probes: [(Int, Double)] = []
            for round in 0..<10 {
                for client in slow { try? client.writeRaw(Array("X-Slow: 1\r\n".utf8)) }
                if round == 1 {
                    for path in ["/metrics", "/-/healthy", "/-/ready"] {
                        let started = Date()
                        let response = try RawHTTPClient(port: port, source: "127.0.0.2", timeoutSeconds: 5).send("GET", path)
                        probes.append((response.status, Date().timeIntervalSince(started)))
                    }
                }
                Thread.sleep(forTimeInterval: 0.3)
            }
            let closed = slow.filter { $0.isClosedByServer() }.count
            let idleReused = try idle.send("GET", "/-/healthy").status
            let metrics = try RawHTTPClient(port: port, source: "127.0.0.2").send("GET", "/metrics").text
            return (probes, closed, idleReused, metrics)
        }
        for (status, seconds) in result.probes {
            #expect(status == 200)
            #expect(seconds < 2)
        }
        #expect(result.closed == 30, "every slow connection is closed: 19 by the deadline, 11 at once by the per-address limit")
        #expect(result.idleReused == 200)
        // The idle client holds one of the address's 20 slots: 19 slow ones were admitted and timed out.
        #expect(metricSamples(result.metrics)["telemetryd_http_header_timeouts_total"] == 19)
        process.terminate()
        try await blocking { process.waitUntilExit() }
    }

    /// Defect 4: after SIGTERM new connections hung and `/-/ready` never said 503. Now the
    /// request in flight finishes, new requests are answered at once, then connections are
    /// refused, and the process exits 0.
    @Test func sigtermDrainsAnswersAtOnceThenRefuses() async throws {
        let (process, port) = try await launchTelemetryd(storage: temporaryStorage())
        let traceID = randomTraceID()
        let body = Array(try traceRequest(traceID: traceID).serializedData())
        let pid = process.processIdentifier
        let outcome = try await blocking { () throws -> (ready: Int, ingest: Int, retryAfter: String?, inFlight: Int, refused: Bool) in
            let inFlight = try RawHTTPClient(port: port)
            let head = "POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: \(body.count)\r\n\r\n"
            try inFlight.writeRaw(Array(head.utf8) + body.prefix(body.count / 2))
            Thread.sleep(forTimeInterval: 0.3)
            kill(pid, SIGTERM)
            Thread.sleep(forTimeInterval: 0.3)
            let ready = try RawHTTPClient(port: port, timeoutSeconds: 3).send("GET", "/-/ready")
            let ingest = try RawHTTPClient(port: port, timeoutSeconds: 3).send(
                "POST", "/v1/traces", headers: [("Content-Type", "application/x-protobuf")], body: body)
            try inFlight.writeRaw(Array(body.dropFirst(body.count / 2)))
            let finished = try inFlight.readResponse()
            // Once nothing is in flight the listener closes: connecting is refused, not left hanging.
            var refused = false
            let deadline = Date().addingTimeInterval(5)
            while Date() < deadline, !refused {
                do {
                    _ = try RawHTTPClient(port: port, timeoutSeconds: 2).send("GET", "/-/ready")
                } catch RawHTTPClient.ClientError.connect(let reason) {
                    refused = reason.contains("refused")
                } catch {}
                Thread.sleep(forTimeInterval: 0.05)
            }
            return (ready.status, ingest.status, ingest.header("Retry-After"), finished.status, refused)
        }
        #expect(outcome.ready == 503)
        #expect(outcome.ingest == 503)
        #expect(outcome.retryAfter == "1")
        #expect(outcome.inFlight == 200, "the request in flight when SIGTERM came finished")
        #expect(outcome.refused)
        try await blocking { process.waitUntilExit() }
        #expect(process.terminationStatus == 0)
    }

    /// Defect 5: about 1,000 query parameters made the connection hang until its timeout.
    @Test func manyQueryParametersAreAnsweredAtOnce() async throws {
        let (process, port) = try await launchTelemetryd(storage: temporaryStorage())
        let answers = try await blocking { () throws -> [(Int, Double)] in
            var answers: [(Int, Double)] = []
            for (path, count) in [("/api/traces", 1000), ("/metrics", 5000), ("/api/services", 10_001)] {
                let query = (0..<count).map { "a\($0 % 10)=\($0)" }.joined(separator: "&")
                let started = Date()
                let response = try RawHTTPClient(port: port, timeoutSeconds: 10).send("GET", "\(path)?limit=5&\(query)")
                answers.append((response.status, Date().timeIntervalSince(started)))
            }
            return answers
        }
        #expect(answers.map(\.0) == [200, 200, 414])
        for (_, seconds) in answers { #expect(seconds < 2) }
        process.terminate()
        try await blocking { process.waitUntilExit() }
    }

    /// Defect 14: an unusable storage path is explained in plain words.
    @Test func anUnusableStoragePathIsExplainedPlainly() async throws {
        let binary = try telemetrydBinary()
        let underFile = try await ExternalTool.run(binary, ["serve", "--storage.path", "/etc/passwd/x"], timeoutSeconds: 30)
        #expect(underFile.status == 1)
        #expect(underFile.stderr.contains("cannot create storage directory /etc/passwd/x: /etc/passwd is a file, not a directory"))
        #expect(!underFile.stderr.contains("NSCocoaErrorDomain"))
        let isFile = try await ExternalTool.run(binary, ["serve", "--storage.path", "/etc/passwd"], timeoutSeconds: 30)
        #expect(isFile.status == 1)
        #expect(isFile.stderr.contains("storage path /etc/passwd is a file, not a directory"))
    }
}
