import Foundation
import TestSupport
import Testing

/// The trace, logs and service-map pages in headless Chromium (`Peers/trace_browser.py`).
@Suite("Traces and logs in headless Chromium", .enabled(if: browserAvailable()))
struct TraceBrowserTests {
    @Test func tracesLogsAndTheServiceMapAreCorrelatedAndFast() async throws {
        try requireBrowser()
        let storage = FileManager.default.temporaryDirectory.appendingPathComponent("telemetryd-traces-\(UUID().uuidString)").path
        let (process, port) = try await launchTelemetryd(storage: storage)
        defer { process.terminate() }
        let suffix = String(UInt16.random(in: 1000...9999))
        let output = try await PythonPeer.run("trace_browser.py", ["http://127.0.0.1:\(port)", testArtifactsDirectory(), suffix])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(output)) as? [String: Any])
        let ids = try #require(report["ids"] as? [String: String])
        #expect((report["consoleErrors"] as? [Any])?.isEmpty == true)
        #expect((report["searchPlotPoints"] as? Int ?? 0) >= 1)
        // Every span, nested and in start order, one level deeper each.
        let rows = try #require(report["waterfall"] as? [[String: Any]])
        #expect(rows.compactMap { $0["id"] as? String } == [ids["rootSpanId"], ids["clientSpanId"], ids["serverSpanId"], ids["querySpanId"]])
        let indents = rows.compactMap { $0["indent"] as? Int }
        #expect(indents.count == 4 && zip(indents, indents.dropFirst()).allSatisfy { $1 > $0 }, "\(indents)")
        #expect(report["criticalBars"] as? Int == 4)
        #expect((report["summary"] as? String)?.contains("· 1 error") == true, "\(report["summary"] ?? "")")
        #expect(report["clippedLabels"] as? Int == 0)
        #expect(report["errorMarks"] as? Int == 1)
        // Attributes typed; hostile values shown as text.
        #expect(report["rootAttributes"] as? [String: String] == ["http.route": "string", "items": "int", "vip": "bool", "ratio": "double"])
        #expect((report["serverNoteAttribute"] as? String)?.hasPrefix("<script>window.__xss=1</script>") == true)
        #expect(report["hostileNameAsText"] as? Bool == true)
        #expect(report["longValueShown"] as? Int == 2001)  // 2,000 characters and "…"
        // telemetryd keeps the first 64 KiB of the 100,000-character value (`max_value_size`).
        #expect(report["longValueExpanded"] as? Int == 64 << 10)
        // The trace's logs in the panel and on the bars.
        let logs = try #require(report["traceLogs"] as? [String])
        #expect(logs.count == 4)
        #expect(logs.contains { $0.contains("checkout started") } && logs.contains { $0.contains("query failed") })
        #expect(report["logMarks"] as? Int == 4)
        #expect(report["searchSelected"] as? String == ids["serverSpanId"])
        #expect(report["linkOpened"] as? Bool == true)
        // From a log to its span, and deep links.
        #expect((report["logsForTrace"] as? Int ?? 0) >= 4)
        #expect(report["logOpenedSpan"] as? Bool == true)
        #expect(report["deepLinkSpan"] as? String == ids["serverSpanId"])
        #expect((report["deepLinkSearchService"] as? String)?.hasPrefix("backend-") == true)
        let live = try #require(report["liveTailSeconds"] as? Double)
        #expect(live < 2, "live tail took \(live) s")
        let edge = try #require(report["edgeCells"] as? [String])
        #expect(edge == ["frontend-\(suffix)", "backend-\(suffix)", "1", "0%"])
        #expect(report["mapNodes"] as? Int == 2)
        // The 50,000-span trace: all spans loaded, few rows in the DOM, the end reachable.
        let big = try #require(report["trace50k"] as? [String: Any])
        #expect(big["spans"] as? Int == 50_000)
        #expect((big["domRows"] as? Int ?? 999) < 300)
        #expect((report["bigRowsAfterScroll"] as? Int ?? 999) < 300)
        #expect(report["bigLastRow"] as? String == report["bigLastExpected"] as? String)
        let first = try #require(big["firstRenderMs"] as? Int)
        // A debug build of telemetryd here; Benchmarks/trace-bench.sh measures the release build.
        #expect(first < 5000, "first render of the 50,000-span trace took \(first) ms")
        #expect((report["screenshots"] as? [String])?.count == 5)
        print("trace figures: 5k \(report["trace5k"] ?? "?"), 50k \(big), live tail \(live) s")
    }
}
