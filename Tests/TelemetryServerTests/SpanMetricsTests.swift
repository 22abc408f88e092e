import Foundation
import OTLP
import SwiftProtobuf
import TelemetryServer
import TestSupport
import Testing

@Suite("Span metrics over a real socket")
struct SpanMetricsTests {
    @Test func receivedSpansAreCountedAndTimedWithExemplars() async throws {
        let service = try await startService()
        let port = service.boundAddress.port
        let traceID = randomTraceID()
        let body = Array(try traceRequest(traceID: traceID, service: "cart").serializedData())
        let (posted, text, openMetrics) = try await blocking {
            let client = try RawHTTPClient(port: port)
            return (
                try client.send("POST", "/v1/traces", headers: [("Content-Type", "application/x-protobuf")], body: body),
                try client.send("GET", "/metrics"),
                try client.send("GET", "/metrics", headers: [("Accept", "application/openmetrics-text; version=1.0.0")])
            )
        }
        #expect(posted.status == 200)
        let values = metricSamples(text.text)
        let root = "service_name=\"cart\",span_name=\"GET /cart\",span_kind=\"SPAN_KIND_SERVER\",status_code=\"STATUS_CODE_UNSET\""
        let child = "service_name=\"cart\",span_name=\"SELECT cart\",span_kind=\"SPAN_KIND_CLIENT\",status_code=\"STATUS_CODE_ERROR\""
        #expect(values["traces_span_metrics_calls_total{\(root)}"] == 1)
        #expect(values["traces_span_metrics_calls_total{\(child)}"] == 1)
        // Both spans last 0.5 s: above the 0.4 bucket, inside the 0.8 one.
        #expect(values["traces_span_metrics_duration_seconds_bucket{\(root),le=\"0.4\"}"] == 0)
        #expect(values["traces_span_metrics_duration_seconds_bucket{\(root),le=\"0.8\"}"] == 1)
        #expect(values["traces_span_metrics_duration_seconds_sum{\(root)}"] == 0.5)
        #expect(!text.text.contains("otel_metric_overflow"), "the empty overflow series is not shown")
        let exemplarLine = openMetrics.text.split(separator: "\n").first {
            $0.hasPrefix("traces_span_metrics_calls_total{\(child)}")
        }
        #expect(exemplarLine?.contains("# {trace_id=\"\(traceID)\",span_id=\"2222222222222222\"} 1") == true)
        let bucketExemplar = openMetrics.text.split(separator: "\n").first {
            $0.hasPrefix("traces_span_metrics_duration_seconds_bucket{\(root),le=\"0.8\"}")
        }
        #expect(bucketExemplar?.contains("span_id=\"1111111111111111\"} 0.5") == true)
        await service.stop()
    }

    @Test func labelSetsPastTheLimitFoldIntoTheOverflowSeries() async throws {
        let service = try await startService { $0.spanMetricsMaxSeries = 2 }
        let port = service.boundAddress.port
        var extra: [Opentelemetry_Proto_Trace_V1_Span] = []
        for index in 0..<3 {
            var span = Opentelemetry_Proto_Trace_V1_Span()
            span.traceID = Data(Hex.decode(randomTraceID()) ?? [])
            span.spanID = Data([1, 2, 3, 4, 5, 6, 7, UInt8(index + 1)])
            span.name = "job \(index)"
            span.startTimeUnixNano = 1_700_000_000_000_000_000
            span.endTimeUnixNano = 1_700_000_000_001_000_000
            extra.append(span)
        }
        let body = Array(try traceRequest(traceID: randomTraceID(), extraSpans: extra).serializedData())
        let text = try await blocking {
            let client = try RawHTTPClient(port: port)
            _ = try client.send("POST", "/v1/traces", headers: [("Content-Type", "application/x-protobuf")], body: body)
            return try client.send("GET", "/metrics").text
        }
        let values = metricSamples(text)
        let callSeries = values.keys.filter { $0.hasPrefix("traces_span_metrics_calls_total{") }
        #expect(callSeries.count == 3, "two label sets and the overflow series: \(callSeries)")
        #expect(values["traces_span_metrics_calls_total{otel_metric_overflow=\"true\"}"] == 3)
        #expect(values["telemetryd_span_metrics_overflow_spans_total"] == 3)
        #expect(callSeries.map { values[$0] ?? 0 }.reduce(0, +) == 5, "every span is counted once")
        await service.stop()
    }
}
