import Foundation
import TestSupport
import Testing

/// Rule files with one problem each (and a few with several), as a user writes them by mistake.
private let brokenRuleFiles: [(name: String, text: String)] = [
    ("alert_name", "groups:\n  - name: a\n    rules:\n      - alert: \"bad name\"\n        expr: up\n"),
    ("annotation_name", "groups:\n  - name: a\n    rules:\n      - alert: X\n        expr: up\n        annotations:\n          \"bad-name\": x\n"),
    ("bad_expr", "groups:\n  - name: a\n    rules:\n      - alert: X\n        expr: sum(\n"),
    ("bad_for", "groups:\n  - name: a\n    rules:\n      - alert: X\n        expr: up\n        for: 5 minutes\n"),
    ("bad_interval", "groups:\n  - name: a\n    interval: soon\n    rules: []\n"),
    ("both", "groups:\n  - name: a\n    rules:\n      - alert: X\n        record: y\n        expr: up\n"),
    ("dup_group", "groups:\n  - name: a\n    rules: []\n  - name: a\n    rules: []\n"),
    ("empty_name", "groups:\n  - name: \"\"\n    rules: []\n"),
    ("expr_string", "groups:\n  - name: a\n    rules:\n      - alert: X\n        expr: \"foo{\"\n"),
    ("groups_not_list", "groups: 5\n"),
    ("label_metric", "groups:\n  - name: a\n    rules:\n      - alert: X\n        expr: up\n        labels:\n          __name__: x\n"),
    ("label_name", "groups:\n  - name: a\n    rules:\n      - alert: X\n        expr: up\n        labels:\n          \"bad-name\": x\n"),
    ("limit_bad", "groups:\n  - name: a\n    limit: many\n    rules: []\n"),
    ("neither", "groups:\n  - name: a\n    rules:\n      - expr: up\n"),
    ("no_expr", "groups:\n  - name: a\n    rules:\n      - alert: X\n"),
    ("not_yaml", "groups:\n  - name: a\n    rules: [\n"),
    ("q_flowmap", "groups:\n  - name: a\n    rules:\n      - {alert: X, expr: up\n"),
    ("q_indent", "groups:\n  - name: a\n   rules: []\n"),
    ("q_tab", "groups:\n\t- name: a\n"),
    ("q_unterminated", "groups:\n  - name: \"a\n    rules: []\n"),
    ("record_annotations", "groups:\n  - name: a\n    rules:\n      - record: a\n        expr: up\n        annotations:\n          x: y\n"),
    ("record_for", "groups:\n  - name: a\n    rules:\n      - record: a\n        expr: up\n        for: 1m\n"),
    ("record_keep", "groups:\n  - name: a\n    rules:\n      - record: a\n        expr: up\n        keep_firing_for: 1m\n"),
    ("record_name", "groups:\n  - name: a\n    rules:\n      - record: \"a b\"\n        expr: up\n"),
    ("rules_not_list", "groups:\n  - name: a\n    rules: {a: 1}\n"),
    ("two_errors", "groups:\n  - name: a\n    rules:\n      - alert: X\n        expr: up ==\n      - record: \"a b\"\n        expr: up\n"),
    ("unknown_group", "groups:\n  - name: a\n    rules: []\n    evaluation: 1m\n"),
    ("unknown_rule", "groups:\n  - name: a\n    rules:\n      - alert: X\n        expr: up\n        fo: 1m\n"),
    ("unknown_top", "groups: []\nfoo: 1\n"),
    ("vector_expr_type", "groups:\n  - name: a\n    rules:\n      - alert: X\n        expr: up[5m]\n")
]

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
