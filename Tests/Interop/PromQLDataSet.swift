import Foundation
import PromQL

/// A fixed data set, 15 s apart over an hour: counters with a reset, gauges, a histogram,
/// series that stop and series that come and go, plus series shaped like the PromLabs demo
/// service's (`demo_*`), which the PromQL compliance suite's queries select.
struct PromQLDataSet {
    let base: Int64  // milliseconds, on a whole hour
    var series: [Series] = []

    init(base: Int64) {
        self.base = base
        var collected: [Series] = []
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
            collected.append(Series(labels: Labels(labels), samples: samples))
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
        Self.addDemoSeries(base: base) { labels, every, from, through, value in
            add(labels, every: every, from: from, through: through, value)
        }
        series = collected
    }

    private static func addDemoSeries(
        base: Int64, _ add: ([String: String], Int64, Int64, Int64, (Int) -> Double) -> Void
    ) {
        for (number, instance) in ["demo.promlabs.com:10000", "demo.promlabs.com:10001", "demo.promlabs.com:10002"].enumerated() {
            let scale = Double(number + 1)
            func labels(_ name: String, _ extra: [String: String] = [:]) -> [String: String] {
                extra.merging(["__name__": name, "instance": instance, "job": "demo"]) { first, _ in first }
            }
            for (offset, type) in ["buffers", "cached", "free", "used"].enumerated() {
                add(labels("demo_memory_usage_bytes", ["type": type]), 15, 0, 3600) { index in
                    (1e8 * Double(offset + 1) * scale + 3e6 * sin(Double(index + offset) / 7)).rounded()
                }
            }
            add(labels("demo_num_cpus"), 15, 0, 3600) { _ in [4.0, 8, 2][number] }
            for (offset, mode) in ["idle", "system", "user"].enumerated() {
                add(labels("demo_cpu_usage_seconds_total", ["mode": mode]), 15, 0, 3600) { index in
                    // Instance 10001 restarts at 40 minutes.
                    let run = number == 1 && index >= 160 ? index - 160 : index
                    return Double(run) * (Double(offset) + 0.5) * scale * 1.25
                }
            }
            add(labels("demo_disk_usage_bytes"), 15, 0, 3600) { 1e10 * scale + Double($0) * 4096 * scale }
            add(labels("demo_batch_last_success_timestamp_seconds"), 15, 0, 3600) { index in
                Double(base / 1000 + Int64(index / 20) * 300)
            }
            // Present for ten minutes, absent for ten: lookback and gaps.
            for start in stride(from: Int64(0), to: 3600, by: 1200) {
                add(labels("demo_intermittent_metric"), 15, start, start + 600) { _ in scale }
            }
            for method in ["GET", "POST"] {
                for path in ["/api/foo", "/api/bar"] {
                    let rate = (method == "GET" ? 3.0 : 1.0) * (path == "/api/foo" ? 2 : 1) * scale
                    var shares: [(String, Double)] = [("0.0002", 0.1), ("0.001", 0.4), ("0.01", 0.8), ("0.1", 0.95), ("+Inf", 1)]
                    if path == "/api/bar" { shares[1].1 = 0.3 }
                    let extra = ["method": method, "path": path, "status": "200"]
                    for (bound, share) in shares {
                        add(labels("demo_api_request_duration_seconds_bucket", extra.merging(["le": bound]) { a, _ in a }), 15, 0, 3600) {
                            (Double($0) * rate * share * 15).rounded()
                        }
                    }
                    add(labels("demo_api_request_duration_seconds_count", extra), 15, 0, 3600) { (Double($0) * rate * 15).rounded() }
                    add(labels("demo_api_request_duration_seconds_sum", extra), 15, 0, 3600) { Double($0) * rate * 15 * 0.004 }
                }
            }
        }
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

