import Foundation
import TestSupport
import Testing

/// Remote write in and out with real Prometheus servers: Prometheus A scrapes telemetryd and
/// remote-writes into it; telemetryd remote-writes its history on to Prometheus B (receiver
/// enabled). The same series are read back from all three.
@Suite("Remote write with real Prometheus servers", .enabled(if: peerAvailable("prometheus")))
struct RemoteWriteInteropTests {
    private func seriesSet(_ port: UInt16, _ selector: String) throws -> Set<[String: String]> {
        let response = try RawHTTPClient(port: port).send("GET", "/api/v1/series?match%5B%5D=\(selector.urlQueryEncoded)")
        let json = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        return Set(json?["data"] as? [[String: String]] ?? [])
    }

    @Test func prometheusWritesIntoTelemetrydWhichWritesIntoPrometheus() async throws {
        let binary = try requirePeer("prometheus")
        let receiver = try PrometheusProcess(
            binary: binary, scraping: "127.0.0.1:1", extraArguments: ["--web.enable-remote-write-receiver"])
        defer { receiver.stop() }
        let storage = FileManager.default.temporaryDirectory.appendingPathComponent("rw-interop-\(UUID().uuidString)").path
        let config = """
            remote_write:
              - url: http://127.0.0.1:\(receiver.port)/api/v1/write
                name: prometheus-b
                queue_config: {batch_send_deadline: 500ms, min_backoff: 100ms}
            """
        let (telemetryd, port) = try await launchTelemetryd(
            storage: storage, config: config, arguments: ["--history.interval", "1s"])
        defer { telemetryd.terminate() }
        let scraper = try PrometheusProcess(
            binary: binary, scraping: "127.0.0.1:\(port)",
            extraConfig: """
                remote_write:
                  - url: http://127.0.0.1:\(port)/api/v1/write
                    queue_config: {batch_send_deadline: 1s, min_backoff: 100ms}
                """)
        defer { scraper.stop() }
        let selector = "telemetryd_build_info{job=\"telemetryd\"}"
        let (inScraper, inTelemetryd, inReceiver) = try await blocking { () throws -> (Set<[String: String]>, Set<[String: String]>, Set<[String: String]>) in
            // Prometheus A's scrapes reach telemetryd by remote write, then Prometheus B.
            let found = scraper.waitFor(seconds: 90) { () throws -> Bool? in
                let ours = try seriesSet(port, selector)
                let theirs = try seriesSet(receiver.port, selector)
                return !ours.isEmpty && !theirs.isEmpty ? true : nil
            }
            #expect(found == true, "series did not arrive through both remote writes")
            return (try seriesSet(scraper.port, selector), try seriesSet(port, selector), try seriesSet(receiver.port, selector))
        }
        #expect(!inScraper.isEmpty)
        #expect(inScraper.first?["instance"] == "127.0.0.1:\(port)")
        #expect(inTelemetryd == inScraper)
        #expect(inReceiver == inScraper)
        // telemetryd's own sampled history goes to B as well (no job label: not scraped).
        let own = try await blocking {
            receiver.waitFor(seconds: 30) { () throws -> Set<[String: String]>? in
                let found = try seriesSet(receiver.port, "telemetryd_history_series{job=\"\"}")
                return found.isEmpty ? nil : found
            }
        }
        #expect(own?.first?["__name__"] == "telemetryd_history_series")
        // The up series agrees in value too: 1 in all three.
        for serverPort in [scraper.port, port, receiver.port] {
            let response = try await blocking {
                try RawHTTPClient(port: serverPort).send("GET", "/api/v1/query?query=\("max(up{job=\"telemetryd\"})".urlQueryEncoded)")
            }
            let text = String(decoding: response.body, as: UTF8.self)
            #expect(text.contains("\"1\""), "port \(serverPort): \(text)")
        }
    }
}
