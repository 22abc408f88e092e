import Foundation
import PromQL
import SnappyCodec
@testable import TelemetryServer
import TestSupport
import Testing

/// `POST /api/v1/write` over a real socket: snappy + protobuf in, samples out through PromQL.
@Suite("Remote write receiver")
struct RemoteWriteReceiverTests {
    private func body(_ series: [(labels: Labels, samples: [Sample])]) -> [UInt8] {
        Snappy.compress(WriteRequest(series: series).encoded())
    }

    private func post(_ port: UInt16, _ body: [UInt8], encoding: String? = "snappy") async throws -> RawHTTPResponse {
        var headers = [("Content-Type", "application/x-protobuf"), ("X-Prometheus-Remote-Write-Version", "0.1.0")]
        if let encoding { headers.append(("Content-Encoding", encoding)) }
        let sent = headers
        return try await blocking { try RawHTTPClient(port: port).send("POST", "/api/v1/write", headers: sent, body: body) }
    }

    private func query(_ port: UInt16, _ expression: String, at time: Double) async throws -> [[String: Any]] {
        let path = "/api/v1/query?query=\(expression.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")&time=\(time)"
        let response = try await blocking { try RawHTTPClient(port: port).send("GET", path) }
        let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        return ((object?["data"] as? [String: Any])?["result"] as? [[String: Any]]) ?? []
    }

    private func metric(_ port: UInt16, _ line: String) async throws -> Double? {
        let response = try await blocking { try RawHTTPClient(port: port).send("GET", "/metrics") }
        let text = String(decoding: response.body, as: UTF8.self)
        guard let found = text.split(separator: "\n").first(where: { $0.hasPrefix(line + " ") }) else { return nil }
        return Double(found.split(separator: " ").last ?? "")
    }

    @Test func writtenSamplesAreQueryableAndBadBodiesAreRefusedPrecisely() async throws {
        let service = try await startService()
        defer { Task { await service.stop() } }
        let port = service.boundAddress.port
        let now = Int64(Date().timeIntervalSince1970) * 1000
        let up = Labels([("__name__", "rw_up"), ("job", "node"), ("instance", "a:9100")])
        let requests = Labels([("__name__", "rw_requests_total"), ("job", "api")])
        let ok = try await post(port, body([
            (up, [Sample(time: now - 30_000, value: 1), Sample(time: now - 15_000, value: 0)]),
            (requests, (0..<5).map { Sample(time: now - 60_000 + Int64($0) * 15_000, value: Double($0 * 10)) }),
        ]))
        #expect(ok.status == 204)
        let instant = try await query(port, "rw_up", at: Double(now) / 1000)
        #expect(instant.first?["metric"] as? [String: String] == ["__name__": "rw_up", "instance": "a:9100", "job": "node"])
        #expect((instant.first?["value"] as? [Any])?.last as? String == "0")
        let rate = try await query(port, "increase(rw_requests_total[2m])", at: Double(now) / 1000)
        #expect((rate.first?["value"] as? [Any])?.last.flatMap { Double($0 as? String ?? "") } ?? 0 > 30)

        // Without Content-Encoding the body is still read as snappy, as Prometheus does.
        let bare = try await post(port, body([(up, [Sample(time: now, value: 1)])]), encoding: nil)
        #expect(bare.status == 204)

        let notSnappy = try await post(port, Array("hello, not snappy".utf8))
        #expect(notSnappy.status == 400)
        #expect(String(decoding: notSnappy.body, as: UTF8.self).contains("not valid snappy"))

        let notProtobuf = try await post(port, Snappy.compress([0x0a, 0xff, 0xff, 0xff]))
        #expect(notProtobuf.status == 400)
        #expect(String(decoding: notProtobuf.body, as: UTF8.self).contains("malformed protobuf"))

        let badName = try await post(port, body([(Labels([("__name__", "x"), ("bad-name", "1")]), [Sample(time: now, value: 1)])]))
        #expect(badName.status == 400)
        #expect(String(decoding: badName.body, as: UTF8.self).contains("invalid label name \"bad-name\""))

        // A block claiming to decompress past the cap is refused before allocating.
        var bomb: [UInt8] = []
        var length = UInt64(1) << 31
        while length >= 0x80 {
            bomb.append(UInt8(length & 0x7f) | 0x80)
            length >>= 7
        }
        bomb.append(UInt8(length))
        let tooLarge = try await post(port, bomb + [0, 0, 0])
        #expect(tooLarge.status == 413)

        // Out of order: the in-order sample of the same request is stored, the old one is
        // refused, counted and named.
        let late = try await post(port, body([
            (up, [Sample(time: now - 45_000, value: 7)]),
            (Labels([("__name__", "rw_other")]), [Sample(time: now, value: 3)]),
        ]))
        #expect(late.status == 400)
        #expect(String(decoding: late.body, as: UTF8.self).contains("1 out of order"))
        #expect((try await query(port, "rw_other", at: Double(now) / 1000)).count == 1)
        // A resend of a stored sample is accepted (a retry after a lost answer).
        let resend = try await post(port, body([(up, [Sample(time: now, value: 1)])]))
        #expect(resend.status == 204)

        #expect(try await metric(port, "telemetryd_history_rejected_samples_total{reason=\"out_of_order\"}") == 1)
        #expect(try await metric(port, "telemetryd_history_samples_appended_total") ?? 0 >= 9)
    }

    @Test func requestsRoundTripAndLabelsAreValidated() throws {
        let labels = Labels([("__name__", "rw_text"), ("city", "Zürich"), ("z", "last"), ("a", "first")])
        let request = WriteRequest(series: [(labels, [Sample(time: 5, value: -1.5), Sample(time: 6, value: Sample.staleMarker)])])
        let decoded = try WriteRequest(decoding: request.encoded())
        #expect(decoded.series.count == 1)
        #expect(decoded.series[0].labels == labels)
        #expect(decoded.series[0].samples.map(\.time) == [5, 6])
        #expect(Sample.isStaleMarker(decoded.series[0].samples[1].value))
        // A series seen before is recognised by its bytes; only valid label sets are kept.
        let interner = LabelsInterner(capacity: 2)
        let first = try WriteRequest(decoding: request.encoded(), interner: interner)
        let again = try WriteRequest(decoding: request.encoded(), interner: interner)
        #expect(interner.count == 1)
        #expect(again.series[0].labels == first.series[0].labels)
        let other = WriteRequest(series: [(Labels([("__name__", "rw_text"), ("city", "Zürich!")]), [Sample(time: 1, value: 1)])])
        #expect(try WriteRequest(decoding: other.encoded(), interner: interner).series[0].labels["city"] == "Zürich!")
        // A repeated label name is refused.
        let repeated: [UInt8] = [0x0a, 0x1c, 0x0a, 0x0c, 0x0a, 0x08] + Array("__name__".utf8) + [0x12, 0x00]
            + [0x0a, 0x05, 0x0a, 0x01, 0x61, 0x12, 0x00] + [0x0a, 0x05, 0x0a, 0x01, 0x61, 0x12, 0x00]
        #expect(throws: WriteRequest.Invalid.self) { try WriteRequest(decoding: repeated, interner: interner) }
        #expect(throws: WriteRequest.Invalid.self) { try WriteRequest(decoding: repeated, interner: interner) }
        // Invalid UTF-8 in a value is a malformed request, not a mangled label.
        let badText: [UInt8] = [0x0a, 0x11, 0x0a, 0x0f, 0x0a, 0x08] + Array("__name__".utf8) + [0x12, 0x03, 0x61, 0xff, 0x62]
        #expect(throws: WriteRequest.Invalid.self) { try WriteRequest(decoding: badText) }
    }

    /// A sample answered 204 is on disk: `kill -9` right after, restart, and it is there.
    @Test func acknowledgedSamplesSurviveKill9() async throws {
        let storage = FileManager.default.temporaryDirectory.appendingPathComponent("rw-kill-\(UUID().uuidString)").path
        let (first, port) = try await launchTelemetryd(storage: storage)
        let now = Int64(Date().timeIntervalSince1970) * 1000
        var series: [(labels: Labels, samples: [Sample])] = []
        for index in 0..<50 {
            let labels = Labels([("__name__", "rw_durable"), ("n", String(index))])
            var samples: [Sample] = []
            for step in 0..<20 {
                samples.append(Sample(time: now - 20_000 + Int64(step) * 1000, value: Double(index * 100 + step)))
            }
            series.append((labels, samples))
        }
        let answer = try await post(port, body(series))
        #expect(answer.status == 204)
        kill(first.processIdentifier, SIGKILL)
        try await blocking { first.waitUntilExit() }

        let (second, again) = try await launchTelemetryd(storage: storage)
        defer { second.terminate() }
        let total = try await query(again, "sum(count_over_time(rw_durable[1m]))", at: Double(now) / 1000)
        #expect((total.first?["value"] as? [Any])?.last as? String == "1000")
        let last = try await query(again, "rw_durable{n=\"49\"}", at: Double(now) / 1000)
        #expect((last.first?["value"] as? [Any])?.last as? String == "4919")
    }
}
