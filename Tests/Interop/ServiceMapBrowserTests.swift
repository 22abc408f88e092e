import Foundation
import TestSupport
import Testing

/// The service map of a twelve-service shop and three services without calls, drawn in headless
/// Chromium (`Peers/service_map_browser.py`).
@Suite("The service map in headless Chromium", .enabled(if: browserAvailable()))
struct ServiceMapBrowserTests {
    @Test func callsAreLabelledWithoutOverlapsAndCrossLessThanInNameOrder() async throws {
        try requireBrowser()
        let storage = FileManager.default.temporaryDirectory.appendingPathComponent("telemetryd-map-\(UUID().uuidString)").path
        let (process, port) = try await launchTelemetryd(storage: storage)
        defer { process.terminate() }
        let suffix = String(UInt16.random(in: 1000...9999))
        let output = try await blocking {
            try PythonPeer.run("service_map_browser.py", ["http://127.0.0.1:\(port)", testArtifactsDirectory(), suffix])
        }
        let report = try #require(try JSONSerialization.jsonObject(with: Data(output)) as? [String: Any])
        #expect((report["consoleErrors"] as? [Any])?.isEmpty == true)
        // Every call sent is drawn, once.
        let sent = try #require(report["edgesSent"] as? [String])
        #expect(report["edgesDrawn"] as? [String] == sent)
        // Every call is labelled with its count and error ratio (5 calls each; payments failed once).
        let labels = try #require(report["labels"] as? [[String: String]])
        #expect(labels.count == sent.count, "\(labels.count) of \(sent.count) calls labelled")
        for label in labels {
            let expected = label["edge"]?.hasSuffix("->payments-\(suffix)") == true ? "5 calls · 20% errors" : "5 calls"
            #expect(label["text"] == expected, "\(label)")
        }
        // No label covers another or a service (they overlapped in the fan of a service's calls).
        #expect(report["labelOverLabel"] as? Int == 0)
        #expect(report["labelOverNode"] as? Int == 0)
        // Services without calls wait in a band under the graph instead of pushing callers down.
        #expect(report["lonersBelowTheGraph"] as? Bool == true)
        #expect(report["bandLabel"] as? String == "No calls in this range:")
        // Columns ordered by their neighbours: fewer crossing calls than in name order.
        let drawn = try #require(report["crossingsDrawn"] as? Int)
        let byName = try #require(report["crossingsInNameOrder"] as? Int)
        #expect(drawn < byName, "\(drawn) crossings drawn, \(byName) in name order")
        #expect((report["screenshots"] as? [String])?.allSatisfy { FileManager.default.fileExists(atPath: $0) } == true)
        print("service map: \(drawn) crossing calls drawn, \(byName) in name order")
    }
}
