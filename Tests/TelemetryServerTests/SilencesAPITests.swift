import Foundation
import TelemetryServer
import TestSupport
import Testing

/// `/api/v1/silences` over a real socket: create, list, expire, refuse bad input with the
/// field named, and keep silences across a restart.
@Suite("Silences API")
struct SilencesAPITests {
    private static func iso(_ offset: TimeInterval) -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: Date().addingTimeInterval(offset))
    }

    @Test func silencesAreCreatedListedExpiredAndKept() async throws {
        let storage = FileManager.default.temporaryDirectory.appendingPathComponent("silences-\(UUID().uuidString)").path
        let service = try await startService { $0.storagePath = storage }
        let port = service.boundAddress.port
        let body = """
            {"matchers":[{"name":"alertname","value":"Down","isRegex":false,"isEqual":true},
                         {"name":"instance","value":"a|b","isRegex":true}],
             "startsAt":"\(Self.iso(-60))","endsAt":"\(Self.iso(3600))","createdBy":"ops","comment":"maintenance"}
            """
        let created = try await blocking { try RawHTTPClient(port: port).send("POST", "/api/v1/silences", body: Array(body.utf8)) }
        #expect(created.status == 200)
        let id = try #require(
            ((try JSONSerialization.jsonObject(with: Data(created.body)) as? [String: Any])?["data"] as? [String: Any])?["silenceID"] as? String)

        let bad: [(String, String)] = [
            ("{\"matchers\":[],\"endsAt\":\"\(Self.iso(60))\"}", "matchers: at least one matcher is required"),
            ("{\"matchers\":[{\"name\":\"a\",\"value\":\"(\",\"isRegex\":true}],\"endsAt\":\"\(Self.iso(60))\"}", "matchers[0].value: error parsing regexp"),
            ("{\"matchers\":[{\"name\":\"a\",\"value\":\"x\"}],\"endsAt\":\"\(Self.iso(-60))\"}", "endsAt: must be"),
            ("{\"matchers\":[{\"name\":\"a\",\"value\":\"x\"}],\"endsAt\":\"tomorrow\"}", "endsAt: cannot parse \\\"tomorrow\\\""),
            ("not json", "the body must be a JSON object"),
        ]
        for (text, message) in bad {
            let answer = try await blocking { try RawHTTPClient(port: port).send("POST", "/api/v1/silences", body: Array(text.utf8)) }
            #expect(answer.status == 400, "\(text)")
            #expect(answer.text.contains(message), "\(answer.text)")
        }

        // Kept across a restart.
        await service.stop()
        let restarted = try await startService { $0.storagePath = storage }
        let newPort = restarted.boundAddress.port
        let listed = try await blocking { try RawHTTPClient(port: newPort).send("GET", "/api/v1/silences") }
        let silences = try #require((try JSONSerialization.jsonObject(with: Data(listed.body)) as? [String: Any])?["data"] as? [[String: Any]])
        #expect(silences.count == 1)
        #expect(silences.first?["id"] as? String == id)
        #expect((silences.first?["status"] as? [String: Any])?["state"] as? String == "active")
        #expect((silences.first?["matchers"] as? [[String: Any]])?.count == 2)
        #expect(silences.first?["comment"] as? String == "maintenance")

        let expired = try await blocking { try RawHTTPClient(port: newPort).send("DELETE", "/api/v1/silences/\(id)") }
        #expect(expired.status == 200)
        let missing = try await blocking { try RawHTTPClient(port: newPort).send("DELETE", "/api/v1/silences/nope") }
        #expect(missing.status == 404)
        let after = try await blocking { try RawHTTPClient(port: newPort).send("GET", "/api/v1/silences").text }
        #expect(after.contains("\"state\":\"expired\""))
        await restarted.stop()
    }
}
