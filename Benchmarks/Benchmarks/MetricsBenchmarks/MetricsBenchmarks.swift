import Benchmark
import Prometheus
import Telemetry

// Each workload runs against Telemetry and against swift-prometheus 2.4.1 in the same run, so
// the ratio holds even when the shared machine's absolute speed drifts. Names start with the
// workload so the table puts each pair side by side.

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput],
        scalingFactor: .kilo,
        maxDuration: .seconds(2),
        maxIterations: 100_000)

    // MARK: counter increment, unlabeled

    Benchmark("counter increment unlabeled / Telemetry") { benchmark in
        let registry = MetricRegistry()
        let counter = try registry.counter(name: "requests_total", help: "")
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { counter.increment() }
        blackHole(counter.value)
    }

    Benchmark("counter increment unlabeled / swift-prometheus") { benchmark in
        let registry = PrometheusCollectorRegistry()
        let counter = registry.makeCounter(name: "requests_total")
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { counter.increment() }
        blackHole(counter)
    }

    // MARK: counter increment, child bound once

    Benchmark("counter increment pre-bound child / Telemetry") { benchmark in
        let registry = MetricRegistry()
        let child = try registry.counter(name: "requests_total", help: "", labelNames: ["method", "code"])
            .labels("GET", "200")
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { child.increment() }
        blackHole(child.value)
    }

    Benchmark("counter increment pre-bound child / swift-prometheus") { benchmark in
        let registry = PrometheusCollectorRegistry()
        let counter = registry.makeCounter(name: "requests_total", labels: [("method", "GET"), ("code", "200")])
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { counter.increment() }
        blackHole(counter)
    }

    // MARK: counter increment, child looked up by label values every time

    Benchmark("counter increment lookup by labels / Telemetry") { benchmark in
        let registry = MetricRegistry()
        let counter = try registry.counter(name: "requests_total", help: "", labelNames: ["method", "code"])
        for code in ["200", "404", "500"] { _ = try counter.labels("GET", code) }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { try counter.labels("GET", "200").increment() }
        blackHole(counter)
    }

    Benchmark("counter increment lookup by labels / swift-prometheus") { benchmark in
        let registry = PrometheusCollectorRegistry()
        for code in ["200", "404", "500"] {
            _ = registry.makeCounter(name: "requests_total", labels: [("method", "GET"), ("code", code)])
        }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            registry.makeCounter(name: "requests_total", labels: [("method", "GET"), ("code", "200")]).increment()
        }
        blackHole(registry)
    }

    // MARK: histogram observe

    Benchmark("histogram observe / Telemetry") { benchmark in
        let registry = MetricRegistry()
        let histogram = try registry.histogram(name: "latency_seconds", help: "")
        benchmark.startMeasurement()
        var value = 0.0
        for _ in benchmark.scaledIterations {
            histogram.observe(value)
            value += 0.0001
        }
        blackHole(histogram)
    }

    Benchmark("histogram observe / swift-prometheus") { benchmark in
        let registry = PrometheusCollectorRegistry()
        let histogram = registry.makeValueHistogram(name: "latency_seconds", buckets: Histogram.defaultBuckets)
        benchmark.startMeasurement()
        var value = 0.0
        for _ in benchmark.scaledIterations {
            histogram.record(value)
            value += 0.0001
        }
        blackHole(histogram)
    }

    // MARK: encoding 10,000 series (10 counter families × 1,000 label sets)

    let encodeConfiguration = Benchmark.Configuration(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput], scalingFactor: .one,
        maxDuration: .seconds(3), maxIterations: 2_000)

    Benchmark("encode 10k series / Telemetry", configuration: encodeConfiguration) { benchmark in
        let encoder = ExpositionEncoder(format: .prometheusText)
        // One reused buffer, as swift-prometheus's emit(into:) is measured below.
        var buffer: [UInt8] = []
        encoder.encode([telemetryRegistry10k], into: &buffer)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            buffer.removeAll(keepingCapacity: true)
            encoder.encode([telemetryRegistry10k], into: &buffer)
            blackHole(buffer)
        }
    }

    Benchmark("encode 10k series / swift-prometheus", configuration: encodeConfiguration) { benchmark in
        var buffer: [UInt8] = []
        prometheusRegistry10k.emit(into: &buffer)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            buffer.removeAll(keepingCapacity: true)
            prometheusRegistry10k.emit(into: &buffer)
            blackHole(buffer)
        }
    }
}

// The 10,000-series registries are built once (globals initialise lazily, on first use) so
// that samples measure steady-state scrapes, as a server sees them.

let telemetryRegistry10k: MetricRegistry = {
    let registry = MetricRegistry()
    for family in 0..<10 {
        guard let counter = try? registry.counter(
            name: "http_requests_\(family)_total", help: "Requests of family \(family).", labelNames: ["path", "code"])
        else { continue }
        for series in 0..<1000 { try? counter.labels("/api/v1/items/\(series)", "200").increment(by: Int64(series)) }
    }
    return registry
}()

let prometheusRegistry10k: PrometheusCollectorRegistry = {
    let registry = PrometheusCollectorRegistry()
    for family in 0..<10 {
        for series in 0..<1000 {
            registry.makeCounter(
                name: "http_requests_\(family)_total", labels: [("path", "/api/v1/items/\(series)"), ("code", "200")],
                help: "Requests of family \(family)."
            ).increment(by: Int64(series))
        }
    }
    return registry
}()
