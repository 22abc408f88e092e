import Foundation
import PromQL
import TestSupport
import Testing

/// The parser's expectations checked against a real Prometheus 2.42: its `format_query` prints
/// every canonical case as we do, and its `query` rejects every invalid case with the message
/// we give.
@Suite("PromQL parser against a real Prometheus", .enabled(if: peerAvailable("prometheus")))
struct PromQLParserInteropTests {
    @Test func canonicalFormsAndErrorsMatchPrometheus() async throws {
        let prometheus = try PrometheusProcess(binary: try requirePeer("prometheus"), scraping: "127.0.0.1:1")
        defer { prometheus.stop() }
        let port = prometheus.port
        let ready = try await blocking { prometheus.waitFor { try RawHTTPClient(port: port).send("GET", "/-/ready").status == 200 ? true : nil } }
        #expect(ready == true)
        let answers = try await blocking { () throws -> (formats: [String?], errors: [String?]) in
            func call(_ path: String, _ query: String) throws -> [String: Any] {
                let response = try RawHTTPClient(port: port).send("GET", "\(path)?query=\(query.urlQueryEncoded)&time=1000")
                return try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] ?? [:]
            }
            let formats = try PromQLCases.canonical.map { try call("/api/v1/format_query", $0.0)["data"] as? String }
            let errors = try PromQLCases.invalid.map { invalid in
                (try call("/api/v1/query", invalid.0)["error"] as? String)?
                    .replacingOccurrences(of: "invalid parameter \"query\": ", with: "")
            }
            return (formats, errors)
        }
        for (index, (input, expected)) in PromQLCases.canonical.enumerated() {
            #expect(answers.formats[index] == expected, "format_query \(input)")
            #expect((try? Parser.parse(input))?.description == expected)
        }
        for (index, (input, expected)) in PromQLCases.invalid.enumerated() {
            #expect(answers.errors[index] == expected, "Prometheus on \(input)")
        }
    }
}
