import Foundation
import OTLP
import Synchronization
import Telemetry
@testable import TelemetryServer
import TestSupport
import Testing

@Suite("OTLP metrics to Prometheus")
struct OTLPMetricConversionTests {
    @Test(arguments: [
        ("http.server.duration", "ms", PrometheusNaming.MetricKind.histogram, "http_server_duration_milliseconds", "milliseconds"),
        ("http.server.requests", "{request}", .counter, "http_server_requests", ""),
        ("requests.total", "1", .counter, "requests", ""),
        ("system.cpu.utilization", "1", .gauge, "system_cpu_utilization_ratio", "ratio"),
        ("network.io", "By/s", .gauge, "network_io_bytes_per_second", "bytes_per_second"),
        ("request_duration_seconds", "s", .histogram, "request_duration_seconds", "seconds"),
        ("queue--depth", "", .gauge, "queue_depth", ""),
        ("2xx.responses", "", .counter, "_2xx_responses", ""),
        ("memory", "MiBy", .gauge, "memory_mebibytes", "mebibytes"),
        ("items", "widgets", .gauge, "items_widgets", "widgets"),
    ])
    func metricNamesFollowTheCompatibilitySpec(
        name: String, unit: String, kind: PrometheusNaming.MetricKind, expected: String, expectedUnit: String
    ) {
        let converted = PrometheusNaming.metricName(name, unit: unit, type: kind)
        #expect(converted?.name == expected)
        #expect(converted?.unit == expectedUnit)
    }

    @Test func namesWithoutLettersOrDigitsAreRefused() {
        #expect(PrometheusNaming.metricName("...", unit: "", type: .gauge) == nil)
    }

    @Test func labelNamesAreSanitized() {
        #expect(PrometheusNaming.labelName("http.request.method") == "http_request_method")
        #expect(PrometheusNaming.labelName("2xx") == "key_2xx")
        #expect(PrometheusNaming.labelName("__meta") == "key__meta")
        #expect(PrometheusNaming.labelName("ok_name") == "ok_name")
        #expect(PrometheusNaming.labelName("") == nil)
    }

    @Test func exponentialBucketsBecomeExplicitBoundsWithoutMovingCounts() throws {
        var point = Opentelemetry_Proto_Metrics_V1_ExponentialHistogramDataPoint()
        point.scale = 0  // base 2
        point.zeroCount = 1
        point.positive.offset = 1  // (2, 4], (4, 8]
        point.positive.bucketCounts = [2, 3]
        point.negative.offset = 0  // [-2, -1)
        point.negative.bucketCounts = [4]
        point.count = 10
        let converted = try #require(ExponentialBuckets.convert(point))
        #expect(converted.bounds == [-1, 0, 4, 8])
        #expect(converted.counts == [4, 1, 2, 3, 0])
        point.scale = 21
        #expect(ExponentialBuckets.convert(point) == nil)
    }

    @Test func deltasAccumulateCumulativesReplaceAndFlaggedPointsRemove() {
        let store = OTLPMetricStore(staleAfterNanos: 1_000, maxSeries: 10, now: { 5_000 })
        let labels = [MetricLabel(name: "job", value: "shop")]
        func update(_ value: Double, _ mode: MetricUpdate.Mode, family: String = "orders") -> MetricUpdate {
            MetricUpdate(family: family, type: .counter, help: "", unit: "", labels: labels, value: .number(value), mode: mode)
        }
        #expect(store.apply([update(2, .add), update(3, .add)]).count == 0)
        #expect(value(store, "orders") == 5)
        #expect(store.apply([update(1, .replace)]).count == 0)
        #expect(value(store, "orders") == 1)
        let histogram = MetricUpdate(
            family: "latency", type: .histogram, help: "", unit: "", labels: labels,
            value: .histogram(bounds: [1, 2], bucketCounts: [1, 0, 2], sum: 7), mode: .add)
        #expect(store.apply([histogram, histogram]).count == 0)
        guard case .histogram(_, let counts, let sum) = series(store, "latency")?.value else {
            Issue.record("latency is not a histogram")
            return
        }
        #expect(counts == [2, 0, 4])
        #expect(sum == 14)
        #expect(store.apply([update(0, .remove)]).count == 0)
        #expect(series(store, "orders") == nil)
        #expect(store.seriesCount == 1)
    }

    @Test func typeConflictsAndTheSeriesLimitAreRejected() {
        let store = OTLPMetricStore(staleAfterNanos: 1_000, maxSeries: 2, now: { 5_000 })
        func update(_ job: String, type: MetricType = .gauge) -> MetricUpdate {
            MetricUpdate(
                family: "depth", type: type, help: "", unit: "", labels: [MetricLabel(name: "job", value: job)],
                value: .number(1), mode: .replace)
        }
        let rejected = store.apply([update("a"), update("b"), update("c"), update("a", type: .counter)])
        #expect(rejected.count == 2)
        #expect(rejected.firstError == "metric depth: series limit of 2 reached")
        #expect(store.seriesCount == 2)
        #expect(store.apply([update("a")]).count == 0)
    }

    @Test func seriesNotUpdatedWithinTheStalenessWindowDisappear() {
        let clock = TestClock(nanos: 1_000_000)
        let store = OTLPMetricStore(staleAfterNanos: 300, maxSeries: 10, now: { clock.nanos })
        func update(_ job: String) -> MetricUpdate {
            MetricUpdate(
                family: "depth", type: .gauge, help: "", unit: "", labels: [MetricLabel(name: "job", value: job)],
                value: .number(1), mode: .replace)
        }
        _ = store.apply([update("old")])
        clock.nanos += 200
        _ = store.apply([update("fresh")])
        clock.nanos += 200
        #expect(store.collect().first?.series.map { $0.labels.first?.value } == ["fresh"])
        clock.nanos += 200
        #expect(store.collect().isEmpty)
        #expect(store.seriesCount == 0)
    }

    private func series(_ store: OTLPMetricStore, _ family: String) -> CollectedSeries? {
        store.collect().first { $0.name == family }?.series.first
    }

    private func value(_ store: OTLPMetricStore, _ family: String) -> Double? {
        guard case .number(let value) = series(store, family)?.value else { return nil }
        return value
    }
}

/// A settable clock for staleness tests.
final class TestClock: Sendable {
    private let value: Atomic<UInt64>
    init(nanos: UInt64) { value = Atomic(nanos) }
    var nanos: UInt64 {
        get { value.load(ordering: .relaxed) }
        set { value.store(newValue, ordering: .relaxed) }
    }
}

extension OTLPMetricConversionTests {
    /// Attribute keys that sanitize to one label name (`a.-`, `a-.`, `a//` … all become `a___`)
    /// were gathered by searching each name's list: quadratic (65,536 such keys: 4.1 s on a
    /// release build). Now 16 times the keys take about 16 times as long (256 if quadratic; the
    /// bound of 80 leaves room for sorting and a noisy machine), joined by key as before, and a
    /// repeated key keeps its last value.
    @Test func collidingAttributeNamesAreGatheredInLinearTime() throws {
        func keys(_ length: Int) -> [String] {
            var keys = ["a"]
            for _ in 0..<length { keys = keys.flatMap { prefix in [".", "-", "/", ":"].map { prefix + $0 } } }
            return keys
        }
        func request(keyLength: Int) -> MetricConverter.Request {
            let keys = keys(keyLength)
            var point = Opentelemetry_Proto_Metrics_V1_NumberDataPoint()
            point.asDouble = 1
            point.attributes = keys.map { keyValue($0, "v") } + [keyValue(keys[0], "last")]
            var metric = Opentelemetry_Proto_Metrics_V1_Metric()
            metric.name = "collide"
            metric.gauge.dataPoints = [point]
            return metricsRequest([metric])
        }
        let small = request(keyLength: 6)
        let large = request(keyLength: 8)
        func timed(_ request: MetricConverter.Request) -> (Double, MetricConverter.Result) {
            threadCPUSeconds { MetricConverter.convert(request) }
        }
        _ = timed(small)
        let smallSeconds = (0..<3).map { _ in timed(small).0 }.min() ?? 0
        let (largeSeconds, converted) = timed(large)
        #expect(largeSeconds < smallSeconds * 80 + 0.5, "4,096 keys: \(smallSeconds) s, 65,536: \(largeSeconds) s")
        let labels = try #require(converted.updates.first { $0.family == "collide" }?.labels)
        let joined = try #require(labels.first { $0.name == "a" + String(repeating: "_", count: 8) }?.value)
        let values = joined.split(separator: ";")
        #expect(values.count == 65_536)
        // `a........` was sent again last: its one value is the last one, in its place by key.
        let position = try #require(keys(8).sorted().firstIndex(of: keys(8)[0]))
        #expect(values[position] == "last")
        #expect(values.filter { $0 == "last" }.count == 1)
    }
}
