import Foundation
import TestSupport
import Testing

/// Valid files: rule counts must agree.
private let validRuleFiles: [(name: String, text: String)] = [
    ("two_groups", "groups:\n  - name: a\n    interval: 30s\n    rules:\n      - alert: HighErrors\n        expr: sum(rate(errors_total[5m])) > 1\n        for: 5m\n        keep_firing_for: 2m\n        labels: {severity: page}\n        annotations: {summary: 'errors at {{ $value }}'}\n  - name: b\n    limit: 10\n    rules:\n      - record: job:up:sum\n        expr: sum by (job) (up)\n      - record: job:up:avg\n        expr: avg by (job) (up)\n"),
    ("empty", "groups: []\n"),
]

/// `telemetryd check rules` against `promtool check rules` (Debian's 2.42) on the same files:
/// standard output, standard error (every message with its file, line and column) and exit
/// code must be identical.
@Suite("check rules against promtool", .enabled(if: peerAvailable("promtool")))
struct RuleCheckInteropTests {
    @Test func outputAndExitCodesMatchPromtool() async throws {
        let promtool = try requirePeer("promtool")
        let telemetryd = try telemetrydBinary()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var failures: [String] = []
        for (name, text) in brokenRuleFiles + validRuleFiles {
            let file = "\(name).yml"
            try text.write(to: directory.appendingPathComponent(file), atomically: true, encoding: .utf8)
            // Relative paths, as a user types them: the file name appears in every message.
            let theirs = try await runOffPool(promtool, ["check", "rules", file], workingDirectory: directory.path)
            let ours = try await runOffPool(telemetryd, ["check", "rules", file], workingDirectory: directory.path)
            if theirs.status != ours.status || theirs.stdout != ours.stdout || theirs.stderr != ours.stderr {
                failures.append(
                    "\(name): promtool \(theirs.status) \(String(decoding: theirs.stdout, as: UTF8.self))\(theirs.stderr)"
                        + " | telemetryd \(ours.status) \(String(decoding: ours.stdout, as: UTF8.self))\(ours.stderr)")
            }
        }
        #expect(brokenRuleFiles.count >= 20)
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    /// The example rule files shipped in `rules/` pass both checkers.
    @Test func shippedRuleFilesAreValidForBoth() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let directory = root.appendingPathComponent("rules")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".yml") && !$0.hasSuffix(".test.yml") }.sorted()
        #expect(files.count >= 2)
        for tool in [try requirePeer("promtool"), try telemetrydBinary()] {
            let result = try await runOffPool(tool, ["check", "rules"] + files, workingDirectory: directory.path)
            #expect(result.status == 0, "\(tool): \(result.stderr)")
            #expect(String(decoding: result.stdout, as: UTF8.self).components(separatedBy: "SUCCESS").count == files.count + 1)
        }
    }
}

/// Runs a command on its own thread: a test waiting on a process must not hold one of the two
/// threads of the Swift pool, which the servers of tests running beside it need.
func runOffPool(
    _ executable: String, _ arguments: [String], workingDirectory: String
) async throws -> (status: Int32, stdout: [UInt8], stderr: String) {
    try await blocking { try ExternalTool.run(executable, arguments, workingDirectory: workingDirectory) }
}
