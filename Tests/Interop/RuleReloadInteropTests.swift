import Foundation
import TestSupport
import Testing

/// A running `telemetryd` reloaded with each broken rule file: every reload is refused with the
/// problems promtool names for that file (file, line, column), the last good rules keep
/// evaluating, and a fixed file takes over.
@Suite("reload refuses broken rule files", .enabled(if: peerAvailable("promtool")))
struct RuleReloadInteropTests {
    private static let good = "groups:\n  - name: keep\n    interval: 200ms\n    rules:\n      - record: kept:one\n        expr: vector(1)\n"
    private static let fixed = "groups:\n  - name: fixed\n    interval: 200ms\n    rules:\n      - record: fixed:two\n        expr: vector(2)\n"

    private static func rulesPage(_ port: UInt16) throws -> [[String: Any]] {
        let page = try RawHTTPClient(port: port).send("GET", "/api/v1/rules")
        let object = try JSONSerialization.jsonObject(with: Data(page.body)) as? [String: Any]
        return (object?["data"] as? [String: Any])?["groups"] as? [[String: Any]] ?? []
    }

    /// The first group's name and last evaluation, once it has been evaluated.
    private static func evaluated(_ port: UInt16, after: String? = nil) async throws -> (name: String, last: String)? {
        try await blocking { () throws -> (name: String, last: String)? in
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline {
                if let group = try rulesPage(port).first, let name = group["name"] as? String,
                    let last = group["lastEvaluation"] as? String, !last.hasPrefix("0001"), last != after
                {
                    return (name, last)
                }
                Thread.sleep(forTimeInterval: 0.05)
            }
            return nil
        }
    }

    @Test func everyBrokenFileIsRefusedAndTheOldRulesKeepEvaluating() async throws {
        let promtool = try requirePeer("promtool")
        let storage = FileManager.default.temporaryDirectory.appendingPathComponent("reload-\(UUID().uuidString)").path
        let file = storage + "-rules.yml"
        try Self.good.write(toFile: file, atomically: true, encoding: .utf8)
        let (process, port) = try await launchTelemetryd(storage: storage, arguments: ["--rules.file", file])
        defer {
            // Not waited for: a test must not hold one of the Swift pool's threads.
            process.terminate()
        }
        let first = try #require(try await Self.evaluated(port))
        #expect(first.name == "keep")

        var refused = 0
        for (name, text) in brokenRuleFiles {
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            let verdict = try await runOffPool(promtool, ["check", "rules", file], workingDirectory: "/")
            let problems = verdict.stderr.split(separator: "\n").filter { !$0.isEmpty && $0 != "  FAILED:" }
            // A few of the files only look wrong (an alert name with a space is valid).
            guard verdict.status == 1 else { continue }
            #expect(!problems.isEmpty, "\(name)")
            let response = try await blocking { try RawHTTPClient(port: port).send("POST", "/-/reload") }
            let body = String(decoding: response.body, as: UTF8.self)
            #expect(response.status == 500, "\(name)")
            for problem in problems {
                #expect(body.contains(problem), "\(name): reload answered \(body), promtool says \(problem)")
            }
            if response.status == 500 { refused += 1 }
        }
        #expect(refused >= 20, "\(refused) refused")

        let metrics = try await blocking { try RawHTTPClient(port: port).send("GET", "/metrics") }
        #expect(String(decoding: metrics.body, as: UTF8.self).contains("telemetryd_config_last_reload_successful 0"))
        let stillRunning = try await Self.evaluated(port, after: first.last)
        #expect(stillRunning?.name == "keep", "the last good rules keep evaluating after \(refused) refused reloads")

        try Self.fixed.write(toFile: file, atomically: true, encoding: .utf8)
        let accepted = try await blocking { try RawHTTPClient(port: port).send("POST", "/-/reload") }
        #expect(accepted.status == 200)
        let takenOver = try await blocking { () throws -> [String] in
            let deadline = Date().addingTimeInterval(30)
            var names: [String] = []
            while Date() < deadline {
                let groups = try Self.rulesPage(port)
                names = groups.compactMap { $0["name"] as? String }
                if names == ["fixed"], (groups.first?["lastEvaluation"] as? String).map({ !$0.hasPrefix("0001") }) == true { break }
                Thread.sleep(forTimeInterval: 0.05)
            }
            return names
        }
        #expect(takenOver == ["fixed"])
        let after = try await blocking { try RawHTTPClient(port: port).send("GET", "/metrics") }
        #expect(String(decoding: after.body, as: UTF8.self).contains("telemetryd_config_last_reload_successful 1"))
    }
}
