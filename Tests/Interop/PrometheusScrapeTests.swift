import Foundation
import TestSupport
import Testing

/// The first sample value of an instant-vector result, or nil while there is none.
private func firstValue(_ data: Any?) -> Double? {
    guard let data = data as? [String: Any], let result = data["result"] as? [[String: Any]],
        let value = result.first?["value"] as? [Any], let text = value.last as? String
    else { return nil }
    return Double(text)
}

@Suite("A real Prometheus scrapes telemetryd", .enabled(if: peerAvailable("prometheus")))
struct PrometheusScrapeTests {
    @Test func prometheusScrapesUpOwnMetricsAndExemplars() async throws {
        let binary = try requirePeer("prometheus")
        let service = try await startServiceWithSampleMetrics()
        let target = "127.0.0.1:\(service.boundAddress.port)"
        let prometheus = try PrometheusProcess(binary: binary, scraping: target)
        defer { prometheus.stop() }
        let results = try await blocking { () -> (Double?, Double?, Double?, Double?, String) in
            let query = { (promql: String) in "/api/v1/query?query=\(promql.urlQueryEncoded)" }
            let up = prometheus.waitFor { firstValue(try prometheus.api(query("up{job=\"telemetryd\"}"))) }
            let fds = prometheus.waitFor { firstValue(try prometheus.api(query("process_open_fds{job=\"telemetryd\"}"))) }
            let escaped = prometheus.waitFor {
                firstValue(try prometheus.api(query("shop_orders_total{note=\"quote \\\" backslash \\\\ newline \\n ü\"}")))
            }
            let bucket = prometheus.waitFor {
                firstValue(try prometheus.api(query("shop_checkout_duration_seconds_bucket{le=\"0.5\"}")))
            }
            let exemplars = prometheus.waitFor { () -> Any? in
                let now = Date().timeIntervalSince1970
                let data = try prometheus.api(
                    "/api/v1/query_exemplars?query=\("shop_orders_total".urlQueryEncoded)&start=\(now - 600)&end=\(now + 60)")
                guard let list = data as? [[String: Any]], !list.isEmpty else { return nil }
                return list
            }
            return (up, fds, escaped, bucket, "\(exemplars ?? "none")")
        }
        #expect(results.0 == 1)
        #expect((results.1 ?? 0) >= 3)
        #expect(results.2 == 2)
        // Prometheus stores OpenMetrics' canonical "0.5"; buckets ≤ 0.5 hold 0.003, 0.02, 0.3.
        #expect(results.3 == 3)
        // Exemplars only travel in OpenMetrics, so this proves Prometheus negotiated it.
        let exemplarText = results.4
        #expect(exemplarText.contains(sampleTraceID), "exemplars: \(exemplarText)")
        await service.stop()
    }
}
