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

    /// Past `alerting.max_silences` pending or active silences, or a silence past
    /// `alerting.max_silence_size_bytes`, a create is a 400 naming the setting; an expired
    /// silence is deleted, from memory and the database, once its retention has passed.
    @Test func silencesPastTheLimitsAreRefusedAndExpiredOnesDeleted() async throws {
        let storage = FileManager.default.temporaryDirectory.appendingPathComponent("silence-limits-\(UUID().uuidString)").path
        let limits = SilenceLimits(maxSilences: 3, maxSilenceBytes: 200, retention: PrometheusDuration(milliseconds: 1000))
        let service = try await startService {
            $0.storagePath = storage
            $0.alerting.silenceLimits = limits
        }
        let port = service.boundAddress.port
        func create(_ comment: String) async throws -> (status: Int, text: String, id: String?) {
            let body = """
                {"matchers":[{"name":"alertname","value":"Down"}],"endsAt":"\(Self.iso(3600))","createdBy":"ops","comment":"\(comment)"}
                """
            let answer = try await blocking { try RawHTTPClient(port: port).send("POST", "/api/v1/silences", body: Array(body.utf8)) }
            let id = ((try? JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any])?["data"] as? [String: Any])?["silenceID"] as? String
            return (answer.status, answer.text, id)
        }
        func listed(_ port: UInt16) async throws -> [String: String] {
            let text = try await blocking { try RawHTTPClient(port: port).send("GET", "/api/v1/silences").body }
            let data = try #require((try JSONSerialization.jsonObject(with: Data(text)) as? [String: Any])?["data"] as? [[String: Any]])
            return Dictionary(uniqueKeysWithValues: data.compactMap { item in
                (item["id"] as? String).map { ($0, (item["status"] as? [String: Any])?["state"] as? String ?? "") }
            })
        }
        var created: [String] = []
        for index in 0..<3 {
            let answer = try await create("window \(index)")
            #expect(answer.status == 200, "\(answer.text)")
            created.append(try #require(answer.id))
        }
        let ids = created
        let fourth = try await create("one too many")
        #expect(fourth.status == 400)
        #expect(fourth.text.contains("3 silences are pending or active, the limit (alerting.max_silences)"), "\(fourth.text)")
        let large = try await create(String(repeating: "x", count: 300))
        #expect(large.status == 400)
        #expect(large.text.contains("larger than the limit of 200 (alerting.max_silence_size_bytes)"), "\(large.text)")
        #expect(try await listed(port).count == 3, "nothing of the refused silences is kept")

        // Expiring one makes room; the expired one is listed until its retention has passed.
        let expired = try await blocking { try RawHTTPClient(port: port).send("DELETE", "/api/v1/silences/\(ids[0])") }
        #expect(expired.status == 200)
        #expect(try await listed(port)[ids[0]] == "expired")
        let replacement = try await create("replacement")
        #expect(replacement.status == 200, "\(replacement.text)")
        try await Task.sleep(for: .milliseconds(1500))
        let another = try await blocking { try RawHTTPClient(port: port).send("DELETE", "/api/v1/silences/\(ids[1])") }
        #expect(another.status == 200)
        let afterRetention = try await listed(port)
        #expect(afterRetention[ids[0]] == nil, "expired for longer than the retention: deleted")
        #expect(afterRetention[ids[1]] == "expired")
        #expect(afterRetention.count == 3)

        // Deleted from the database too.
        await service.stop()
        let restarted = try await startService {
            $0.storagePath = storage
            $0.alerting.silenceLimits = limits
        }
        let reloaded = try await listed(restarted.boundAddress.port)
        #expect(reloaded[ids[0]] == nil)
        #expect(Set(reloaded.keys) == Set(afterRetention.keys))
        await restarted.stop()
    }

    @Test func theSilenceLimitsAreReadFromTheConfigurationFile() throws {
        let configuration = try ServerConfiguration.parse(
            "alerting:\n  max_silences: 50\n  max_silence_size_bytes: 4096\n  silence_retention: 1d\n", file: "silences.yml")
        #expect(configuration.alerting.silenceLimits
            == SilenceLimits(maxSilences: 50, maxSilenceBytes: 4096, retention: PrometheusDuration(milliseconds: 86_400_000)))
        #expect(ServerConfiguration().alerting.silenceLimits
            == SilenceLimits(maxSilences: 1000, maxSilenceBytes: 16384, retention: PrometheusDuration(milliseconds: 432_000_000)))
        do {
            _ = try ServerConfiguration.parse("alerting:\n  max_silences: 0\n", file: "zero.yml")
            Issue.record("a limit of 0 was accepted")
        } catch {
            #expect(error.description.contains("zero.yml"))
            #expect(error.description.contains("alerting.max_silences"))
        }
    }
}
