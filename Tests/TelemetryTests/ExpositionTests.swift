import Telemetry
import Testing

private func text(_ registry: MetricRegistry, _ format: ExpositionFormat) -> String {
    String(decoding: ExpositionEncoder(format: format).encode(registry), as: UTF8.self)
}

@Suite("Exposition formats")
struct ExpositionTests {
    @Test func prometheusTextGroupsSortsAndEscapes() throws {
        let registry = MetricRegistry()
        let counter = try registry.counter(
            name: "http_requests_total", help: "Requests with \"quotes\", back\\slash\nand newline.",
            labelNames: ["path", "method"])
        try counter.labels("/b", "GET").increment(by: 2)
        try counter.labels("/a \"q\" \\ \n ü", "POST").increment()
        let gauge = try registry.gauge(name: "a_temperature", help: "Temp.")
        gauge.set(-1.5)
        #expect(text(registry, .prometheusText) == """
            # HELP a_temperature Temp.
            # TYPE a_temperature gauge
            a_temperature -1.5
            # HELP http_requests_total Requests with "quotes", back\\\\slash\\nand newline.
            # TYPE http_requests_total counter
            http_requests_total{path="/a \\"q\\" \\\\ \\n ü",method="POST"} 1
            http_requests_total{path="/b",method="GET"} 2

            """)
    }

    @Test func openMetricsNamesUnitsEscapedHelpAndEOF() throws {
        let registry = MetricRegistry()
        let counter = try registry.counter(name: "served_bytes_total", help: "Say \"hi\".", unit: "bytes")
        counter.increment(by: 1024)
        let upDown = try registry.upDownCounter(name: "queue_depth", help: "Depth.")
        upDown.add(3)
        #expect(text(registry, .openMetrics) == """
            # HELP queue_depth Depth.
            # TYPE queue_depth gauge
            queue_depth 3
            # HELP served_bytes Say \\"hi\\".
            # TYPE served_bytes counter
            # UNIT served_bytes bytes
            served_bytes_total 1024
            # EOF

            """)
    }

    @Test func histogramLinesInBothFormats() throws {
        let registry = MetricRegistry()
        let histogram = try registry.histogram(
            name: "rpc_duration_seconds", help: "RPC time.", unit: "seconds", labelNames: ["service"],
            buckets: [0.5, 1, 2.5])
        let child = try histogram.labels("auth")
        for value in [0.1, 0.7, 2, 9] { child.observe(value) }
        #expect(text(registry, .prometheusText) == """
            # HELP rpc_duration_seconds RPC time.
            # TYPE rpc_duration_seconds histogram
            rpc_duration_seconds_bucket{service="auth",le="0.5"} 1
            rpc_duration_seconds_bucket{service="auth",le="1"} 2
            rpc_duration_seconds_bucket{service="auth",le="2.5"} 3
            rpc_duration_seconds_bucket{service="auth",le="+Inf"} 4
            rpc_duration_seconds_sum{service="auth"} 11.8
            rpc_duration_seconds_count{service="auth"} 4

            """)
        let openMetrics = text(registry, .openMetrics)
        #expect(openMetrics.contains("# UNIT rpc_duration_seconds seconds\n"))
        #expect(openMetrics.contains("rpc_duration_seconds_bucket{service=\"auth\",le=\"1.0\"} 2\n"))
        #expect(openMetrics.contains("rpc_duration_seconds_bucket{service=\"auth\",le=\"+Inf\"} 4\n"))
    }

    @Test func specialValuesAreSpelledAsPrometheusExpects() throws {
        let registry = MetricRegistry()
        let gauge = try registry.gauge(name: "g", help: "", labelNames: ["v"])
        try gauge.labels("nan").set(.nan)
        try gauge.labels("pinf").set(.infinity)
        try gauge.labels("ninf").set(-.infinity)
        try gauge.labels("big").set(1e20)
        try gauge.labels("tiny").set(1e-7)
        try gauge.labels("int").set(42)
        let output = text(registry, .prometheusText)
        #expect(output.contains("g{v=\"nan\"} NaN\n"))
        #expect(output.contains("g{v=\"pinf\"} +Inf\n"))
        #expect(output.contains("g{v=\"ninf\"} -Inf\n"))
        #expect(output.contains("g{v=\"big\"} 1e+20\n"))
        #expect(output.contains("g{v=\"tiny\"} 1e-07\n"))
        #expect(output.contains("g{v=\"int\"} 42\n"))
        // Series sorted by label value.
        let order = output.split(separator: "\n").filter { $0.hasPrefix("g{") }.map { $0.split(separator: "\"")[1] }
        #expect(order == ["big", "int", "nan", "ninf", "pinf", "tiny"])
    }

    @Test func exemplarsOnlyInOpenMetrics() throws {
        let registry = MetricRegistry()
        let counter = try registry.counter(name: "calls", help: "")
        let histogram = try registry.histogram(name: "lat_seconds", help: "", buckets: [1])
        let trace = "4bf92f3577b34da6a3ce929d0e0e4736"
        try counter.labels().increment(by: 1, exemplar: Exemplar(traceID: trace, spanID: "00f067aa0ba902b7", value: 1, timestamp: 1700000000.25))
        histogram.observe(0.25, exemplar: Exemplar(traceID: trace, spanID: "0000000000000001", value: 0.25, timestamp: 1700000001))
        let openMetrics = text(registry, .openMetrics)
        #expect(openMetrics.contains(
            "calls_total 1 # {trace_id=\"\(trace)\",span_id=\"00f067aa0ba902b7\"} 1 1700000000.25\n"))
        #expect(openMetrics.contains(
            "lat_seconds_bucket{le=\"1.0\"} 1 # {trace_id=\"\(trace)\",span_id=\"0000000000000001\"} 0.25 1700000001\n"))
        #expect(openMetrics.contains("lat_seconds_bucket{le=\"+Inf\"} 1\n"))
        #expect(!text(registry, .prometheusText).contains("trace_id"))
    }

    @Test func emptyFamiliesAreOmittedAndOutputIsStable() throws {
        let registry = MetricRegistry()
        _ = try registry.counter(name: "unused", help: "", labelNames: ["x"])
        #expect(text(registry, .prometheusText) == "")
        #expect(text(registry, .openMetrics) == "# EOF\n")
        let gauge = try registry.gauge(name: "b", help: "", labelNames: ["k"])
        for key in ["z", "a", "m"] { try gauge.labels(key).set(1) }
        #expect(text(registry, .prometheusText) == text(registry, .prometheusText))
        try gauge.labels("c").set(1)
        #expect(text(registry, .prometheusText).contains("b{k=\"a\"} 1\nb{k=\"c\"} 1\nb{k=\"m\"} 1\nb{k=\"z\"} 1\n"))
    }

    @Test(arguments: [
        (nil, ExpositionFormat.prometheusText),
        ("application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1", .openMetrics),
        ("text/plain;version=0.0.4;q=0.9,application/openmetrics-text;version=1.0.0;q=0.5", .prometheusText),
        ("application/openmetrics-text; version=0.0.1", .openMetrics),
        ("application/openmetrics-text;version=2.0.0,text/plain", .prometheusText),
        ("*/*", .prometheusText),
        ("application/json", .prometheusText),
        ("application/openmetrics-text;q=0", .prometheusText),
    ] as [(String?, ExpositionFormat)])
    func acceptNegotiation(header: String?, expected: ExpositionFormat) {
        #expect(ExpositionFormat(accept: header) == expected)
    }
}
