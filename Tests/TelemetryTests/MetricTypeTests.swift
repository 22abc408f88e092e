import Telemetry
import Testing

@Suite("Metric families")
struct MetricTypeTests {
    @Test func counterIgnoresNegativeAndSumsIntegerAndFractionalIncrements() throws {
        let registry = MetricRegistry()
        let counter = try registry.counter(name: "jobs_total", help: "Jobs.")
        counter.increment()
        counter.increment(by: 4)
        counter.increment(by: 0.5)
        counter.increment(by: -3)
        counter.increment(by: -1.5)
        #expect(counter.value == 5.5)
        #expect(counter.descriptor.name == "jobs")
    }

    @Test func childrenAreCachedPerLabelSet() throws {
        let registry = MetricRegistry()
        let counter = try registry.counter(name: "requests", help: "", labelNames: ["method", "code"])
        let first = try counter.labels("GET", "200")
        let again = try counter.labels(["GET", "200"])
        let byAttributes = try counter.labels(attributes: ["code": "200", "method": "GET"])
        #expect(first === again)
        #expect(first === byAttributes)
        #expect(try counter.labels("POST", "200") !== first)
        #expect(throws: MetricError.labelCountMismatch(metric: "requests", expected: 2, got: 1)) {
            try counter.labels("GET")
        }
        #expect(throws: MetricError.unknownLabel(metric: "requests", label: "path")) {
            try counter.labels(attributes: ["path": "/"])
        }
    }

    @Test func concurrentIncrementsFromManyTasksSumExactly() async throws {
        let registry = MetricRegistry()
        let counter = try registry.counter(name: "hits", help: "")
        let child = try registry.counter(name: "labelled_hits", help: "", labelNames: ["shard"])
        let gauge = try registry.gauge(name: "level", help: "")
        let upDown = try registry.upDownCounter(name: "inflight", help: "")
        let histogram = try registry.histogram(name: "latency_seconds", help: "", buckets: [0.1, 1])
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<16 {
                group.addTask {
                    let shard = try? child.labels("\(task % 4)")
                    for _ in 0..<10_000 {
                        counter.increment()
                        shard?.increment(by: 1)
                        gauge.add(0.5)
                        upDown.add(1)
                        upDown.add(-0.25)
                        histogram.observe(0.5)
                    }
                }
            }
        }
        #expect(counter.value == 160_000)
        let shards = try (0..<4).map { try child.labels("\($0)").value }
        #expect(shards == [40_000, 40_000, 40_000, 40_000])
        #expect(gauge.value == 80_000)
        #expect(upDown.value == 120_000)
        let snapshot = try #require(histogram.snapshot)
        #expect(snapshot.count == 160_000)
        #expect(snapshot.sum == 80_000)
        #expect(snapshot.cumulativeCounts == [0, 160_000, 160_000])
    }

    @Test func histogramBucketsAreCumulativeWithInfEqualToCount() throws {
        let registry = MetricRegistry()
        let histogram = try registry.histogram(name: "size_bytes", help: "", unit: "bytes", buckets: [1, 10, 100])
        for value in [0.5, 1, 5, 10, 50, 1000, .infinity] { histogram.observe(value) }
        let snapshot = try #require(histogram.snapshot)
        #expect(snapshot.cumulativeCounts == [2, 4, 5, 7])
        #expect(snapshot.count == 7)
        #expect(snapshot.sum == .infinity)
        histogram.observe(.nan)
        let afterNaN = try #require(histogram.snapshot)
        #expect(afterNaN.cumulativeCounts == [2, 4, 5, 8])
        #expect(afterNaN.sum.isNaN)
    }

    @Test func manyBucketsUseBinarySearchWithInclusiveUpperBounds() throws {
        let registry = MetricRegistry()
        let bounds = (1...40).map(Double.init)
        let histogram = try registry.histogram(name: "wide", help: "", buckets: bounds)
        for value in [0.0, 1, 1.5, 20, 39.9, 40, 41] { histogram.observe(value) }
        let counts = try #require(histogram.snapshot).cumulativeCounts
        #expect(counts[0] == 2)  // 0 and 1 (le is inclusive)
        #expect(counts[1] == 3)  // + 1.5
        #expect(counts[19] == 4)  // + 20
        #expect(counts[39] == 6)  // + 39.9 and 40
        #expect(counts[40] == 7)  // + 41 in +Inf
    }

    @Test func exemplarsAreKeptOnCountersAndBuckets() throws {
        let registry = MetricRegistry()
        let counter = try registry.counter(name: "orders", help: "", labelNames: ["shop"])
        let child = try counter.labels("north")
        child.increment(by: 2, exemplar: Exemplar(traceID: "4bf92f3577b34da6a3ce929d0e0e4736", spanID: "00f067aa0ba902b7", value: 2, timestamp: 1700000000.5))
        #expect(child.value == 2)
        #expect(child.exemplar?.spanID == "00f067aa0ba902b7")
        let histogram = try registry.histogram(name: "wait_seconds", help: "", buckets: [1, 2])
        histogram.observe(1.5, exemplar: Exemplar(traceID: "a", spanID: "b", value: 1.5, timestamp: 1))
        let exemplars = try #require(histogram.snapshot).exemplars
        #expect(exemplars.count == 3)
        #expect(exemplars[0] == nil)
        #expect(exemplars[1]?.value == 1.5)
    }
}

@Suite("Registration rules")
struct RegistrationTests {
    @Test func invalidNamesAndLabelsThrow() {
        let registry = MetricRegistry()
        #expect(throws: MetricError.invalidMetricName("1bad")) { try registry.counter(name: "1bad", help: "") }
        #expect(throws: MetricError.invalidMetricName("has-dash")) { try registry.gauge(name: "has-dash", help: "") }
        #expect(throws: MetricError.invalidMetricName("")) { try registry.gauge(name: "", help: "") }
        #expect(throws: MetricError.self) { try registry.gauge(name: "ok", help: "", labelNames: ["bad:colon"]) }
        #expect(throws: MetricError.self) { try registry.gauge(name: "ok", help: "", labelNames: ["__reserved"]) }
        #expect(throws: MetricError.self) { try registry.gauge(name: "ok", help: "", labelNames: ["a", "a"]) }
        #expect(throws: MetricError.self) { try registry.histogram(name: "h", help: "", labelNames: ["le"]) }
        #expect(throws: MetricError.self) { try registry.histogram(name: "h", help: "", buckets: [2, 1]) }
        #expect(throws: MetricError.self) { try registry.histogram(name: "h", help: "", buckets: [1, .nan]) }
        #expect(throws: MetricError.self) { try registry.gauge(name: "size", help: "", unit: "bytes") }
        #expect(throws: Never.self) { try registry.gauge(name: "valid:name_1", help: "", labelNames: ["_x", "y2"]) }
    }

    @Test func reRegistrationReturnsTheSameFamilyOrThrowsOnConflict() throws {
        let registry = MetricRegistry()
        let counter = try registry.counter(name: "events_total", help: "Events.", labelNames: ["kind"])
        #expect(try registry.counter(name: "events", help: "other help", labelNames: ["kind"]) === counter)
        #expect(throws: MetricError.self) { try registry.gauge(name: "events", help: "") }
        #expect(throws: MetricError.self) { try registry.counter(name: "events", help: "", labelNames: ["other"]) }
        // The counter's sample name events_total is taken, even for another type.
        #expect(throws: MetricError.self) { try registry.gauge(name: "events_total", help: "") }
        let histogram = try registry.histogram(name: "latency", help: "", buckets: [1, 2])
        #expect(try registry.histogram(name: "latency", help: "", buckets: [1, 2, .infinity]) === histogram)
        #expect(throws: MetricError.self) { try registry.histogram(name: "latency", help: "", buckets: [1, 3]) }
        #expect(throws: MetricError.self) { try registry.gauge(name: "latency_bucket", help: "") }
        #expect(registry.unregister(name: "latency"))
        #expect(throws: Never.self) { try registry.gauge(name: "latency_bucket", help: "") }
    }

    @Test func recordFollowsTheFamilyType() throws {
        let registry = MetricRegistry()
        let counter = try registry.counter(name: "bytes_total", help: "", labelNames: ["dir"])
        let histogram = try registry.histogram(name: "delay_seconds", help: "", buckets: [1])
        try registry.record(name: "bytes_total", value: 10, attributes: ["dir": "in"])
        try registry.record(name: "bytes", value: 5, attributes: ["dir": "in"])
        try registry.record(name: "delay_seconds", value: 0.5)
        try registry.record(name: "temperature_celsius", value: 21.5, attributes: ["room": "a"])
        try registry.record(name: "temperature_celsius", value: 22, attributes: ["room": "a"])
        #expect(try counter.labels("in").value == 15)
        #expect(histogram.snapshot?.count == 1)
        let gauge = try registry.gauge(name: "temperature_celsius", help: "", labelNames: ["room"])
        #expect(try gauge.labels("a").value == 22)
        #expect(throws: MetricError.unknownLabel(metric: "temperature_celsius", label: "floor")) {
            try registry.record(name: "temperature_celsius", value: 1, attributes: ["floor": "2"])
        }
    }
}
