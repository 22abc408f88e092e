import Foundation
import OTLP
import PromQL
import SnappyCodec
@testable import TelemetryServer
import TestSupport
import Testing

/// Remote write's bounds on a series' labels (`SeriesLabelLimits`), and the linear search for a
/// repeated label name.
@Suite("Remote write: label limits")
struct SeriesLabelLimitsTests {
    private func series(_ pairs: [(String, String)]) -> [UInt8] {
        // `Labels` would drop a repeated name: the pairs are written one by one.
        var labels: [UInt8] = []
        for (name, value) in pairs {
            var label: [UInt8] = []
            Self.append(field: 1, Array(name.utf8), to: &label)
            Self.append(field: 2, Array(value.utf8), to: &label)
            Self.append(field: 1, label, to: &labels)
        }
        let sample: [UInt8] = [0x09] + withUnsafeBytes(of: 1.0.bitPattern.littleEndian, Array.init) + [0x10, 0x01]
        Self.append(field: 2, sample, to: &labels)
        var request: [UInt8] = []
        Self.append(field: 1, labels, to: &request)
        return request
    }

    private static func append(field: Int, _ bytes: [UInt8], to out: inout [UInt8]) {
        Varint.append(UInt64(field << 3 | 2), to: &out)
        Varint.append(UInt64(bytes.count), to: &out)
        out += bytes
    }

    private func refusal(_ bytes: [UInt8], limits: SeriesLabelLimits = SeriesLabelLimits()) -> String? {
        do {
            _ = try WriteRequest(decoding: bytes, limits: limits)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func seriesPastEachLimitAreRefusedNamingIt() throws {
        let name = [("__name__", "m")]
        let thirty = name + (1..<30).map { ("l\($0)", "v") }
        #expect(try WriteRequest(decoding: series(thirty)).series[0].labels.pairs.count == 30)
        #expect(refusal(series(thirty + [("l30", "v")])) == "series 0: 31 labels, more than the limit of 30 (limits.max_label_names_per_series)")

        let longName = String(repeating: "n", count: 1024)
        #expect(refusal(series(name + [(longName, "v")])) == nil)
        #expect(refusal(series(name + [(longName + "n", "v")]))
            == "series 0: a label name of 1025 bytes, longer than the limit of 1024 (limits.max_label_name_length)")

        let longValue = String(repeating: "v", count: 2048)
        #expect(refusal(series(name + [("big", longValue)])) == nil)
        #expect(refusal(series(name + [("big", longValue + "ü")]))
            == "series 0: the value of label \"big\" of 2050 bytes, longer than the limit of 2048 (limits.max_label_value_length)")

        let tight = SeriesLabelLimits(maxNames: 2, maxNameBytes: 8, maxValueBytes: 1)
        #expect(refusal(series(name + [("a", "b")]), limits: tight) == nil)
        #expect(refusal(series(name + [("a", "bc")]), limits: tight)?.contains("limit of 1") == true)
        #expect(refusal(series(name + [("a", "b"), ("c", "d")]), limits: tight)?.contains("3 labels") == true)
    }

    /// Before: counting each name's occurrences made the error for a repeated name quadratic
    /// (2.4 s for 32,000 labels on a release build, the repeat last). Now ten times the labels
    /// take about ten times as long (a hundred if quadratic; 40 leaves room for a noisy
    /// machine), and the message names the repeat.
    @Test func aRepeatedNameIsFoundInLinearTime() throws {
        func repeatingLast(_ count: Int) -> [UInt8] {
            series([("__name__", "m")] + (0..<count).map { ("l\($0)", "") } + [("l\(count - 1)", "x")])
        }
        let small = repeatingLast(5_000)
        let large = repeatingLast(50_000)
        func seconds(_ bytes: [UInt8]) -> (Double, String?) {
            threadCPUSeconds { refusal(bytes, limits: .unlimited) }
        }
        _ = seconds(small)
        let smallSeconds = (0..<3).map { _ in seconds(small).0 }.min() ?? 0
        let (largeSeconds, message) = seconds(large)
        #expect(message == "series 0: label \"l49999\" appears twice")
        #expect(largeSeconds < smallSeconds * 40 + 0.5, "5,000: \(smallSeconds) s, 50,000: \(largeSeconds) s")
    }

    /// The interner remembers label sets up to a byte budget, then starts over.
    @Test func theInternerKeepsToItsByteBudget() throws {
        let interner = LabelsInterner(capacity: 1_000, maxBytes: 1_000)
        for index in 0..<50 {
            let request = series([("__name__", "m"), ("value", String(repeating: "x", count: 90) + "\(index)")])
            _ = try WriteRequest(decoding: request, interner: interner)
            #expect(interner.heldBytes <= 1_000)
        }
        #expect(interner.count > 1)
        #expect(interner.count < 12)
    }

    @Test func theLimitsAreReadFromTheConfigurationFile() throws {
        let configuration = try ServerConfiguration.parse(
            "limits:\n  max_label_names_per_series: 60\n  max_label_name_length: 200\n  max_label_value_length: 65536\n",
            file: "limits.yml")
        #expect(configuration.seriesLabelLimits == SeriesLabelLimits(maxNames: 60, maxNameBytes: 200, maxValueBytes: 65536))
        #expect(ServerConfiguration().seriesLabelLimits == SeriesLabelLimits(maxNames: 30, maxNameBytes: 1024, maxValueBytes: 2048))
        do {
            _ = try ServerConfiguration.parse("limits:\n  max_label_value_length: 0\n", file: "zero.yml")
            Issue.record("a limit of 0 was accepted")
        } catch {
            #expect(error.description.contains("limits.max_label_value_length"))
        }
        #expect(throws: ConfigError.self) { try ServerConfiguration.parse("limits:\n  max_labels: 3\n", file: "unknown.yml") }
    }

    /// Over a real socket: a series with a 1 MB label value is a 400 naming the limit and is not
    /// stored; the server goes on taking series within the limits.
    @Test func aSeriesPastTheLimitsIsA400AndNotStored() async throws {
        let service = try await startService()
        defer { Task { await service.stop() } }
        let port = service.boundAddress.port
        let now = Int64(Date().timeIntervalSince1970) * 1000
        func post(_ labels: Labels) async throws -> RawHTTPResponse {
            let body = Snappy.compress(WriteRequest(series: [(labels, [Sample(time: now, value: 1)])]).encoded())
            return try await blocking {
                try RawHTTPClient(port: port).send(
                    "POST", "/api/v1/write", headers: [("Content-Encoding", "snappy")], body: body)
            }
        }
        let huge = try await post(Labels([("__name__", "rw_huge"), ("big", String(repeating: "x", count: 1 << 20))]))
        #expect(huge.status == 400)
        #expect(String(decoding: huge.body, as: UTF8.self).contains("1048576 bytes, longer than the limit of 2048"))
        let wide = try await post(Labels([("__name__", "rw_wide")] + (0..<40).map { ("l\($0)", "v") }))
        #expect(wide.status == 400)
        #expect(String(decoding: wide.body, as: UTF8.self).contains("41 labels"))
        let fine = try await post(Labels([("__name__", "rw_fine"), ("job", "a")]))
        #expect(fine.status == 204)
        let names = try await blocking { try RawHTTPClient(port: port).send("GET", "/api/v1/label/__name__/values") }
        let text = String(decoding: names.body, as: UTF8.self)
        #expect(text.contains("rw_fine"))
        #expect(!text.contains("rw_huge"))
        #expect(!text.contains("rw_wide"))
    }

    /// OTLP metric points: a new series past the limits is rejected and counted; series already
    /// held, and those within the limits, are not.
    @Test func theOTLPMetricStoreRejectsPointsPastTheLimits() {
        let store = OTLPMetricStore(
            staleAfterNanos: 1_000, maxSeries: 10, limits: SeriesLabelLimits(maxNames: 3, maxNameBytes: 5, maxValueBytes: 8),
            now: { 5_000 })
        func update(_ labels: [(String, String)], family: String = "depth") -> MetricUpdate {
            MetricUpdate(
                family: family, type: .gauge, help: "", unit: "", labels: labels.map { MetricLabel(name: $0.0, value: $0.1) },
                value: .number(1), mode: .replace)
        }
        #expect(store.apply([update([("job", "a"), ("zone", "eu")])]).count == 0)
        let rejected = store.apply([
            update([("job", "a"), ("zone", "eu"), ("rack", "1")]),
            update([("job", "123456789")]),
            update([("longer", "a")]),
            update([("job", "a")], family: "a_metric_name"),
        ])
        #expect(rejected.count == 4)
        #expect(rejected.firstError == "metric depth: 4 labels, more than the limit of 3 (limits.max_label_names_per_series)")
        #expect(store.seriesCount == 1)
        #expect(store.apply([update([("job", "a"), ("zone", "eu")])]).count == 0)
    }

    /// Over a real socket: an OTLP gauge point with a 60 KB attribute, or with 40 attributes, is
    /// rejected in `partial_success` naming the limit and stays off `/metrics`; its neighbour is kept.
    @Test func otlpPointsPastTheLimitsAreRejectedPartially() async throws {
        let service = try await startService()
        defer { Task { await service.stop() } }
        let port = service.boundAddress.port
        func gauge(_ name: String, _ attributes: [Opentelemetry_Proto_Common_V1_KeyValue]) -> OTLPMetric {
            var point = Opentelemetry_Proto_Metrics_V1_NumberDataPoint()
            point.asDouble = 1
            point.timeUnixNano = UInt64(Date().timeIntervalSince1970 * 1e9)
            point.attributes = attributes
            var metric = OTLPMetric()
            metric.name = name
            metric.gauge.dataPoints = [point]
            return metric
        }
        let body = Array(try metricsRequest([
            gauge("long.gauge", [keyValue("blob", String(repeating: "x", count: 60_000))]),
            gauge("wide.gauge", (0..<40).map { keyValue("k\($0)", "v") }),
            gauge("fine.gauge", [keyValue("k", "v")]),
        ]).serializedData())
        let (posted, scraped) = try await blocking {
            let client = try RawHTTPClient(port: port)
            return (
                try client.send("POST", "/v1/metrics", headers: [("Content-Type", "application/x-protobuf")], body: body),
                try client.send("GET", "/metrics")
            )
        }
        #expect(posted.status == 200)
        let response = try MetricsResponse(serializedBytes: posted.body)
        #expect(response.partialSuccess.rejectedDataPoints == 2)
        #expect(response.partialSuccess.errorMessage.contains("60000 bytes, longer than the limit of 2048 (limits.max_label_value_length)"))
        #expect(scraped.text.contains("fine_gauge{"))
        #expect(!scraped.text.contains("long_gauge"))
        #expect(!scraped.text.contains("wide_gauge"))
    }
}
