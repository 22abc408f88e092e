import Foundation
import PromQL
import TestSupport
import Testing

/// One API answer reduced to what must agree: status, error type and message, result type,
/// and each series' points by label set (values compared within 1e-6 relative, NaN = NaN).
private struct Answer: CustomStringConvertible {
    var status = ""
    var errorType: String?
    var error: String?
    var resultType: String?
    var series: [String: [(Int64, Double)]] = [:]

    init(_ body: [UInt8]) {
        guard let json = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            status = "undecodable: \(String(decoding: body.prefix(200), as: UTF8.self))"
            return
        }
        status = json["status"] as? String ?? "?"
        errorType = json["errorType"] as? String
        error = json["error"] as? String
        guard let data = json["data"] as? [String: Any] else { return }
        resultType = data["resultType"] as? String
        func point(_ pair: Any?) -> (Int64, Double) {
            let array = pair as? [Any] ?? []
            let time = Int64((((array.first as? NSNumber)?.doubleValue ?? 0) * 1000).rounded())
            let text = array.last as? String ?? "NaN"
            let value = text == "+Inf" ? Double.infinity : text == "-Inf" ? -Double.infinity : Double(text) ?? .nan
            return (time, value)
        }
        switch resultType {
        case "scalar": series["<scalar>"] = [point(data["result"])]
        case "string": series["<string>\((data["result"] as? [Any])?.last as? String ?? "")"] = [point(data["result"])]
        default:
            for entry in data["result"] as? [[String: Any]] ?? [] {
                let metric = (entry["metric"] as? [String: String] ?? [:]).sorted { $0.key < $1.key }
                let key = metric.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
                series[key] = (entry["values"] as? [Any])?.map(point) ?? [point(entry["value"])]
            }
        }
    }

    func agrees(with other: Answer) -> Bool {
        guard status == other.status, errorType == other.errorType, error == other.error, resultType == other.resultType,
            Set(series.keys) == Set(other.series.keys)
        else { return false }
        return series.allSatisfy { key, points in
            guard let theirs = other.series[key], theirs.count == points.count else { return false }
            return zip(points, theirs).allSatisfy { $0.0 == $1.0 && Self.same($0.1, $1.1) }
        }
    }

    private static func same(_ a: Double, _ b: Double) -> Bool {
        if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
        return a == b || abs(a - b) <= 1e-6 * max(abs(a), abs(b))
    }

    var description: String {
        if status != "success" { return "\(status) \(errorType ?? "") \(error ?? "")" }
        let shown = series.sorted { $0.key < $1.key }.prefix(3).map { "\($0.key): \($0.value.prefix(3))" }
        return "\(resultType ?? "?") \(series.count) series \(shown)"
    }
}

/// telemetryd against Debian's Prometheus 2.42 on the same data: the data set is written once
/// as OpenMetrics, loaded into Prometheus with `promtool tsdb create-blocks-from openmetrics`
/// and into telemetryd with `telemetryd import openmetrics`; every query (this project's and
/// the expanded PromQL compliance suite) runs as an instant query at several times and as a
/// range query against both servers' HTTP APIs, and the answers are compared.
@Suite("PromQL over HTTP against a real Prometheus", .enabled(if: peerAvailable("prometheus")))
struct PromQLEngineDifferentialTests {
    @Test func everyQueryAgreesWithPrometheus() async throws {
        let now = Int64(Date().timeIntervalSince1970) * 1000
        let base = (now - 6 * 3_600_000) / 3_600_000 * 3_600_000
        let data = PromQLDataSet(base: base)
        let promtool = try requirePeer("promtool")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("promql-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let file = directory + "/data.om"
        try data.openMetrics.write(toFile: file, atomically: true, encoding: .utf8)
        let binary = try requirePeer("prometheus")
        // promtool's backfill takes seconds: off the Swift pool, which the servers under test need.
        let prometheus = try await blocking {
            try PrometheusProcess(binary: binary, scraping: "127.0.0.1:1") { dataPath in
                let created = try ExternalTool.run(promtool, ["tsdb", "create-blocks-from", "openmetrics", file, dataPath])
                guard created.status == 0 else { throw RawHTTPClient.ClientError.malformed("promtool: \(created.stderr)") }
            }
        }
        defer { prometheus.stop() }
        let imported = try await runOffPool(
            try telemetrydBinary(), ["import", "openmetrics", file, "--storage.path", directory + "/telemetryd"],
            workingDirectory: directory)
        #expect(imported.status == 0, "\(imported.stderr)")
        let sampleCount = data.series.reduce(0) { $0 + $1.samples.count }
        let seriesCount = Set(data.series.map(\.labels)).count
        #expect(String(decoding: imported.stdout, as: UTF8.self).contains("imported \(sampleCount) samples of \(seriesCount) series"))
        let (telemetryd, ourPort) = try await launchTelemetryd(storage: directory + "/telemetryd")
        defer { telemetryd.terminate() }
        let theirPort = prometheus.port
        let times = [1205, 1800, 3600].map { base + Int64($0) * 1000 }
        let cases = (projectQueries + complianceQueries).map {
            $0.replacingOccurrences(of: "BASE600", with: String((base + 600_000) / 1000))
        }
        // Plain sockets and computation: on their own thread, not the Swift pool's two.
        let (passed, failures) = try await blocking { () throws -> (Int, [String]) in
            _ = prometheus.waitFor { try RawHTTPClient(port: theirPort).send("GET", "/-/ready").status == 200 ? true : nil }
            let ours = try RawHTTPClient(port: ourPort)
            let theirs = try RawHTTPClient(port: theirPort)
            var passed = 0
            var failures: [String] = []
            for query in cases {
                var paths = times.map { "/api/v1/query?query=\(query.urlQueryEncoded)&time=\(Double($0) / 1000)" }
                paths.append(
                    "/api/v1/query_range?query=\(query.urlQueryEncoded)&start=\(base / 1000)&end=\((base + 3_600_000) / 1000)&step=120")
                for (index, path) in paths.enumerated() {
                    let mine = Answer(try ours.send("GET", path).body)
                    let other = Answer(try theirs.send("GET", path).body)
                    if mine.agrees(with: other) {
                        passed += 1
                    } else {
                        let label = index < times.count ? "instant @\((times[index] - base) / 1000)s" : "range"
                        failures.append("\(query) [\(label)]: telemetryd \(mine); Prometheus \(other)")
                    }
                }
            }
            return (passed, failures)
        }
        let total = cases.count * (times.count + 1)
        print("PromQL differential over HTTP: \(passed)/\(total) answers agree with Prometheus 2.42 (\(cases.count) queries)")
        #expect(cases.count >= 300)
        #expect(failures.isEmpty, "\(failures.count) of \(total) differ:\n\(failures.prefix(25).joined(separator: "\n"))")
    }
}
