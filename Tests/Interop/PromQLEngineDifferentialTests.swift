import Foundation
import PromQL
import TestSupport
import Testing

/// A fixed data set: counters with a reset, gauges, a histogram, series that stop and series
/// that come and go, 15 s apart over an hour.
private struct DataSet {
    let base: Int64  // milliseconds, on a whole hour
    var series: [Series] = []

    init(base: Int64) {
        self.base = base
        func add(_ labels: [String: String], every seconds: Int64 = 15, from: Int64 = 0, through: Int64 = 3600,
                 _ value: (Int) -> Double) {
            var samples: [Sample] = []
            var index = 0
            var time = from
            while time <= through {
                samples.append(Sample(time: base + time * 1000, value: value(index)))
                index += 1
                time += seconds
            }
            series.append(Series(labels: Labels(labels), samples: samples))
        }
        for (job, instance, code, speed) in [("api", "a", "200", 3.0), ("api", "b", "500", 0.5), ("web", "a", "200", 7.0)] {
            add(["__name__": "http_requests_total", "job": job, "instance": instance, "code": code]) { index in
                // A restart at 30 minutes resets the counter.
                index < 120 ? Double(index) * speed : Double(index - 120) * speed
            }
        }
        add(["__name__": "temperature", "room": "x"]) { 20 + 5 * sin(Double($0) / 10) }
        add(["__name__": "temperature", "room": "y"], through: 2400) { 18 + Double($0 % 7) }
        for (bound, share) in [("0.1", 0.2), ("0.5", 0.6), ("1", 0.9), ("+Inf", 1.0)] {
            add(["__name__": "latency_bucket", "job": "api", "le": bound]) { (Double($0) * 10 * share).rounded() }
        }
        add(["__name__": "come_and_go", "id": "1"], from: 600, through: 1200) { Double($0) }
        add(["__name__": "come_and_go", "id": "2"], from: 1500, through: 3000) { Double($0) * 2 }
        add(["__name__": "memory_bytes", "instance": "a"]) { 1e9 + Double($0) * 1e6 }
        add(["__name__": "memory_bytes", "instance": "b"], every: 30) { 5e8 - Double($0) * 1e5 }
    }

    /// The data as OpenMetrics text for `promtool tsdb create-blocks-from openmetrics`.
    var openMetrics: String {
        var text = ""
        for one in series.sorted(by: { $0.labels[Labels.metricName] < $1.labels[Labels.metricName] }) {
            let name = one.labels[Labels.metricName]
            let labels = one.labels.droppingMetricName.pairs.map { "\($0.name)=\"\($0.value)\"" }.joined(separator: ",")
            for sample in one.samples {
                text += "\(name){\(labels)} \(sample.value) \(Double(sample.time) / 1000)\n"
            }
        }
        return text + "# EOF\n"
    }
}

/// Expressions run against both engines.
private let queries: [String] = [
    "http_requests_total", "http_requests_total{code!=\"200\"}", "http_requests_total{job=~\"a.*\"}",
    "{__name__=~\"temp.*\"}", "temperature offset 5m", "temperature offset -5m", "http_requests_total @ BASE600",
    "rate(http_requests_total[5m])", "irate(http_requests_total[5m])", "increase(http_requests_total[10m])",
    "rate(http_requests_total[1m])", "rate(come_and_go[5m])", "delta(temperature[10m])", "idelta(temperature[5m])",
    "deriv(temperature[10m])", "predict_linear(temperature[10m], 600)", "resets(http_requests_total[30m])",
    "changes(temperature[10m])", "sum(rate(http_requests_total[5m]))", "sum by (job) (rate(http_requests_total[5m]))",
    "sum without (instance) (http_requests_total)", "avg(temperature)", "min(temperature)", "max(temperature)",
    "count(temperature)", "group(http_requests_total)", "stddev(temperature)", "stdvar(http_requests_total)",
    "topk(2, http_requests_total)", "bottomk(1, temperature)", "quantile(0.5, http_requests_total)",
    "quantile by (job) (0.9, http_requests_total)", "count_values(\"value\", round(temperature))",
    "histogram_quantile(0.9, rate(latency_bucket[5m]))", "histogram_quantile(0.5, sum by (le) (rate(latency_bucket[10m])))",
    "avg_over_time(temperature[10m])", "min_over_time(temperature[10m])", "max_over_time(temperature[10m])",
    "sum_over_time(temperature[10m])", "count_over_time(temperature[10m])", "stddev_over_time(temperature[10m])",
    "stdvar_over_time(temperature[10m])", "last_over_time(temperature[10m])", "present_over_time(come_and_go[5m])",
    "quantile_over_time(0.3, temperature[10m])", "absent(nonexistent{job=\"x\"})", "absent(temperature)",
    "absent_over_time(nonexistent{a=\"b\"}[5m])", "http_requests_total * on (instance) group_left memory_bytes",
    "http_requests_total / ignoring (code) group_left sum without (code) (http_requests_total)",
    "temperature > 22", "temperature > bool 22", "22 < temperature", "http_requests_total and on (instance) memory_bytes",
    "http_requests_total unless http_requests_total{code=\"500\"}", "temperature or come_and_go", "-temperature",
    "abs(-temperature)", "ceil(temperature)", "floor(temperature)", "round(temperature, 0.5)", "sqrt(temperature)",
    "exp(temperature / 10)", "ln(temperature)", "log2(memory_bytes)", "log10(memory_bytes)", "sgn(temperature - 22)",
    "clamp(temperature, 18, 22)", "clamp_min(temperature, 21)", "clamp_max(temperature, 21)",
    "scalar(sum(memory_bytes))", "vector(1)", "time()", "hour()", "minute()", "day_of_week()", "month()", "year()",
    "day_of_month()", "days_in_month()", "day_of_year()", "hour(timestamp(temperature))",
    "label_replace(temperature, \"r\", \"room-$1\", \"room\", \"(.*)\")",
    "label_join(http_requests_total, \"ji\", \"-\", \"job\", \"instance\")", "timestamp(temperature)",
    "max_over_time(rate(http_requests_total[5m])[15m:1m])", "sum(temperature) * 2 ^ 2",
    "holt_winters(temperature[10m], 0.5, 0.5)", "sort(temperature)", "sort_desc(temperature)", "come_and_go",
    "1 + 2", "2 * 3 > bool 5", "sum by (room) (temperature) / on () group_left count(temperature)",
    "memory_bytes - memory_bytes offset 10m", "rate(http_requests_total[5m] offset 10m)",
    "avg_over_time(temperature[30m:5m])", "min_over_time(come_and_go[20m:])", "count(count by (job) (http_requests_total))",
    "sum(http_requests_total) by (code) > 100", "http_requests_total{job=\"api\"} == on (instance) http_requests_total{code=\"200\"}",
    "temperature atan2 10", "temperature % 3", "sin(temperature)", "deg(rad(temperature))",
    "http_requests_total * on (instance) memory_bytes", "label_replace(temperature, \"room\", \"same\", \"room\", \".*\")",
    "holt_winters(temperature[10m], 1.5, 0.5)", "histogram_quantile(1.5, rate(latency_bucket[5m]))",
    "rate(http_requests_total[5m] @ end())", "temperature @ start()", "sum_over_time(temperature[1h:5m] offset 10m)",
    "quantile(-1, temperature)", "quantile(2, temperature)", "count_values(\"v\", memory_bytes)",
    "absent(temperature{room=\"z\"})", "-http_requests_total offset 5m", "sgn(-temperature)",
    "max by (room) (temperature) - on () group_left avg(temperature)", "topk(1, temperature) and bottomk(1, temperature)",
    "increase(come_and_go[10m])", "irate(come_and_go[1m])", "deriv(come_and_go[30m])", "changes(come_and_go[1h])",
]

/// A value of either engine, reduced to what can be compared: each series' samples by labels.
private typealias Comparable = [String: [(Int64, Double)]]

private func sameNumber(_ a: Double, _ b: Double) -> Bool {
    if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
    if a == b { return true }
    return abs(a - b) <= 1e-6 * max(abs(a), abs(b))
}

private func same(_ ours: Comparable, _ theirs: Comparable) -> Bool {
    guard Set(ours.keys) == Set(theirs.keys) else { return false }
    return ours.allSatisfy { key, samples in
        guard let other = theirs[key], other.count == samples.count else { return false }
        return zip(samples, other).allSatisfy { $0.0 == $1.0 && sameNumber($0.1, $1.1) }
    }
}

private func key(_ metric: [String: String]) -> String {
    metric.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
}

private func comparable(_ value: QueryValue) -> Comparable {
    switch value {
    case .scalar(let time, let value): return ["<scalar>": [(time, value)]]
    case .string(let time, let value): return ["<string>\(value)": [(time, 0)]]
    case .vector(let time, let elements):
        return Dictionary(elements.map { element in
            (key(Dictionary(uniqueKeysWithValues: element.labels.pairs.map { ($0.name, $0.value) })), [(time, element.value)])
        }, uniquingKeysWith: { first, _ in first })
    case .matrix(let series): return comparable(series)
    }
}

private func comparable(_ series: [Series]) -> Comparable {
    Dictionary(series.map { one in
        (key(Dictionary(uniqueKeysWithValues: one.labels.pairs.map { ($0.name, $0.value) })), one.samples.map { ($0.time, $0.value) })
    }, uniquingKeysWith: { first, _ in first })
}

/// Prometheus's API answer decoded the same way; nil data means an error (its message kept).
private func comparable(prometheus json: [String: Any]) -> (Comparable?, String?) {
    guard json["status"] as? String == "success", let data = json["data"] as? [String: Any] else {
        return (nil, json["error"] as? String)
    }
    func point(_ pair: Any?) -> (Int64, Double) {
        let array = pair as? [Any] ?? []
        let time = Int64((((array.first as? NSNumber)?.doubleValue ?? 0) * 1000).rounded())
        let text = array.last as? String ?? "NaN"
        let value = text == "+Inf" ? Double.infinity : text == "-Inf" ? -Double.infinity : Double(text) ?? .nan
        return (time, value)
    }
    switch data["resultType"] as? String {
    case "scalar": return (["<scalar>": [point(data["result"])]], nil)
    case "string":
        let array = data["result"] as? [Any] ?? []
        return (["<string>\(array.last as? String ?? "")": [(point(array).0, 0)]], nil)
    default:
        var result: Comparable = [:]
        for entry in data["result"] as? [[String: Any]] ?? [] {
            let metric = entry["metric"] as? [String: String] ?? [:]
            if let values = entry["values"] as? [Any] {
                result[key(metric)] = values.map(point)
            } else {
                result[key(metric)] = [point(entry["value"])]
            }
        }
        return (result, nil)
    }
}

/// The engine against Debian's Prometheus 2.42 on the same data: every query as an instant
/// query at several times and as a range query, results compared (labels exact, values within
/// 1e-6 relative, NaN equal to NaN, errors for errors).
@Suite("PromQL engine against a real Prometheus", .enabled(if: peerAvailable("prometheus")))
struct PromQLEngineDifferentialTests {
    @Test func everyQueryAgreesWithPrometheus() async throws {
        let now = Int64(Date().timeIntervalSince1970) * 1000
        let base = (now - 6 * 3_600_000) / 3_600_000 * 3_600_000
        let data = DataSet(base: base)
        let promtool = try requirePeer("promtool")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("promql-\(UUID().uuidString).om").path
        try data.openMetrics.write(toFile: file, atomically: true, encoding: .utf8)
        let prometheus = try PrometheusProcess(binary: try requirePeer("prometheus"), scraping: "127.0.0.1:1") { dataPath in
            let created = try ExternalTool.run(promtool, ["tsdb", "create-blocks-from", "openmetrics", file, dataPath])
            guard created.status == 0 else { throw RawHTTPClient.ClientError.malformed("promtool: \(created.stderr)") }
        }
        defer { prometheus.stop() }
        let port = prometheus.port
        let times = [1200, 1805, 3600, 3900].map { base + Int64($0) * 1000 }
        let cases = queries.map { $0.replacingOccurrences(of: "BASE600", with: String((base + 600_000) / 1000)) }
        let bodies = try await blocking { () throws -> [[UInt8]] in
            _ = prometheus.waitFor { try RawHTTPClient(port: port).send("GET", "/-/ready").status == 200 ? true : nil }
            var answers: [[UInt8]] = []
            for query in cases {
                for time in times {
                    let response = try RawHTTPClient(port: port).send(
                        "GET", "/api/v1/query?query=\(query.urlQueryEncoded)&time=\(Double(time) / 1000)")
                    answers.append(response.body)
                }
                let response = try RawHTTPClient(port: port).send(
                    "GET", "/api/v1/query_range?query=\(query.urlQueryEncoded)&start=\(base / 1000)&end=\((base + 3_600_000) / 1000)&step=120")
                answers.append(response.body)
            }
            return answers
        }
        // The comparison is plain computation: run it on its own thread, not on the two
        // threads of the Swift concurrency pool that other tests' tasks need.
        let (passed, failures) = try await blocking { () throws -> (Int, [String]) in
            let answers = try bodies.map { try JSONSerialization.jsonObject(with: Data($0)) as? [String: Any] ?? [:] }
            let engine = Engine()
            let source = InMemorySeriesSource(data.series)
            var passed = 0
            var failures: [String] = []
            var answer = answers.makeIterator()
            for query in cases {
                let expr = try Parser.parse(query)
                for time in times + [-1] {
                    let (theirs, theirError) = comparable(prometheus: answer.next() ?? [:])
                    let ours: Result<Comparable, EvaluationError>
                    if time < 0 {
                        ours = Result { () throws(EvaluationError) in
                            comparable(try engine.range(expr, start: base, end: base + 3_600_000, step: 120_000, source: source))
                        }
                    } else {
                        ours = Result { () throws(EvaluationError) in comparable(try engine.instant(expr, at: time, source: source)) }
                    }
                    let label = time < 0 ? "range" : "instant @\((time - base) / 1000)s"
                    switch (ours, theirs) {
                    case (.success(let mine), .some(let other)) where same(mine, other): passed += 1
                    case (.failure(let mine), nil) where theirError?.contains(mine.message) == true: passed += 1
                    default:
                        failures.append("\(query) [\(label)]: ours \(ours), Prometheus \(theirs.map { "\($0)" } ?? theirError ?? "?")")
                    }
                }
            }
            return (passed, failures)
        }
        let total = cases.count * (times.count + 1)
        print("PromQL differential: \(passed)/\(total) agree with Prometheus 2.42")
        #expect(failures.isEmpty, "\(failures.count) of \(total) differ:\n\(failures.prefix(20).joined(separator: "\n"))")
    }
}
