import Foundation
import TestSupport
import Testing

/// Every page of the dashboard at a phone's width and at half a laptop screen's, in headless
/// Chromium (`Peers/narrow_browser.py`), with data from the official OpenTelemetry Python SDK.
@Suite("The dashboard in a narrow window, in headless Chromium", .enabled(if: browserAvailable()), .serialized)
struct NarrowWindowBrowserTests {
    @Test(arguments: [390, 720])
    func everyPageFitsTheWindowWithoutOverlaps(width: Int) async throws {
        try requireBrowser()
        let storage = FileManager.default.temporaryDirectory.appendingPathComponent("telemetryd-narrow-\(UUID().uuidString)").path
        let rules = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("rules/telemetryd.yml").path
        let (process, port) = try await launchTelemetryd(
            storage: storage, config: "rule_files: [\"\(rules)\"]\n", arguments: ["--history.interval", "1s"])
        defer { process.terminate() }
        let suffix = String(UInt16.random(in: 1000...9999))
        let output = try await blocking {
            try PythonPeer.run("narrow_browser.py", ["http://127.0.0.1:\(port)", testArtifactsDirectory(), suffix, String(width)])
        }
        let report = try #require(try JSONSerialization.jsonObject(with: Data(output)) as? [String: Any])
        #expect(report["innerWidth"] as? Int == width)
        #expect((report["consoleErrors"] as? [Any])?.isEmpty == true)
        let pages = try #require(report["pages"] as? [String: [String: Any]])
        #expect(Set(pages.keys) == ["overview", "explore", "alerts", "views", "traces", "trace", "logs", "services"])
        for (page, layout) in pages {
            // No page scrolls sideways (the navigation made every page 686 px wide at 390).
            let overflow = try #require(layout["overflow"] as? Int)
            #expect(overflow <= 0, "\(page) is \(overflow) px wider than the window")
            #expect((layout["navOutside"] as? [String])?.isEmpty == true, "\(page): links outside the window \(layout["navOutside"] ?? "")")
            #expect(layout["liveInside"] as? Bool == true, "\(page): the live badge is outside the window")
            // The fields of a trace or log row neither overlap nor run past the row.
            #expect(layout["overlappingFields"] as? Int == 0, "\(page): \(layout["overlappingFields"] ?? "") overlapping fields")
            #expect(layout["fieldsOutsideTheirRow"] as? Int == 0, "\(page): \(layout["fieldsOutsideTheirRow"] ?? "") fields past their row")
            #expect(layout["wrappedBadges"] as? Int == 0, "\(page): a severity badge takes two lines")
        }
        // The three traces and the five log records (WARN from the SDK, WARNING sent as OTLP/JSON).
        #expect(pages["traces"]?["rows"] as? Int == 3)
        #expect(pages["logs"]?["rows"] as? Int == 5)
        #expect((pages["logs"]?["badgeTexts"] as? [String]).map { Set($0) } == ["INFO", "WARN", "WARNING"])
        // Time labels keep apart: the traces' plot at least 60 px between ticks (55 before), a
        // trace's ruler labels a gap between their boxes (they overlapped by 24 px at 390).
        #expect((report["tracePlotTickGapPx"] as? Int).map { $0 >= 60 } == true, "\(report["tracePlotTickGapPx"] ?? "")")
        #expect((report["rulerGapPx"] as? Int).map { $0 >= 8 } == true, "\(report["rulerGapPx"] ?? "")")
        let screenshots = try #require(report["screenshots"] as? [String])
        #expect(screenshots.count == 8)
        for path in screenshots { #expect(FileManager.default.fileExists(atPath: path), "\(path) missing") }
    }
}
