import Foundation
import OTLP
import SwiftProtobuf
import TelemetryServer
import TestSupport
import Testing

typealias MetricsRequest = Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceRequest
typealias MetricsResponse = Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceResponse
typealias OTLPMetric = Opentelemetry_Proto_Metrics_V1_Metric

func keyValue(_ key: String, _ value: String) -> Opentelemetry_Proto_Common_V1_KeyValue {
    var attribute = Opentelemetry_Proto_Common_V1_KeyValue()
    attribute.key = key
    attribute.value.stringValue = value
    return attribute
}

/// One resource (`shop` in namespace `prod`, instance `i-1`, region `eu`) and scope holding `metrics`.
func metricsRequest(_ metrics: [OTLPMetric]) -> MetricsRequest {
    var resourceMetrics = Opentelemetry_Proto_Metrics_V1_ResourceMetrics()
    resourceMetrics.resource.attributes = [
        keyValue("service.name", "shop"), keyValue("service.namespace", "prod"),
        keyValue("service.instance.id", "i-1"), keyValue("cloud.region", "eu"),
    ]
    var scopeMetrics = Opentelemetry_Proto_Metrics_V1_ScopeMetrics()
    scopeMetrics.scope.name = "shop.meter"
    scopeMetrics.metrics = metrics
    resourceMetrics.scopeMetrics = [scopeMetrics]
    var request = MetricsRequest()
    request.resourceMetrics = [resourceMetrics]
    return request
}

func sumMetric(_ name: String, _ value: Int64, delta: Bool, monotonic: Bool = true) -> OTLPMetric {
    var point = Opentelemetry_Proto_Metrics_V1_NumberDataPoint()
    point.asInt = value
    point.attributes = [keyValue("http.method", "GET")]
    var metric = OTLPMetric()
    metric.name = name
    metric.description_p = "Requests served."
    metric.sum.dataPoints = [point]
    metric.sum.isMonotonic = monotonic
    metric.sum.aggregationTemporality = delta ? .delta : .cumulative
    return metric
}

@Suite("OTLP metrics over a real socket")
struct OTLPMetricsReceiverTests {
    static let target = "job=\"prod/shop\",instance=\"i-1\""

    @Test func everyKindOfPointReachesMetrics() async throws {
        let service = try await startService()
        let port = service.boundAddress.port
        var summary = OTLPMetric()
        summary.name = "rpc.latency"
        summary.unit = "s"
        var quantile = Opentelemetry_Proto_Metrics_V1_SummaryDataPoint.ValueAtQuantile()
        quantile.quantile = 0.99
        quantile.value = 1.5
        var summaryPoint = Opentelemetry_Proto_Metrics_V1_SummaryDataPoint()
        summaryPoint.quantileValues = [quantile]
        summaryPoint.count = 10
        summaryPoint.sum = 4
        summary.summary.dataPoints = [summaryPoint]
        var exponential = OTLPMetric()
        exponential.name = "payload.size"
        exponential.unit = "By"
        var exponentialPoint = Opentelemetry_Proto_Metrics_V1_ExponentialHistogramDataPoint()
        exponentialPoint.scale = 0
        exponentialPoint.positive.offset = 1
        exponentialPoint.positive.bucketCounts = [2, 3]
        exponentialPoint.count = 5
        exponentialPoint.sum = 30
        exponential.exponentialHistogram.dataPoints = [exponentialPoint]
        exponential.exponentialHistogram.aggregationTemporality = .cumulative
        var badHistogram = OTLPMetric()
        badHistogram.name = "broken"
        var badPoint = Opentelemetry_Proto_Metrics_V1_HistogramDataPoint()
        badPoint.explicitBounds = [1, 2]
        badPoint.bucketCounts = [1]
        badHistogram.histogram.dataPoints = [badPoint]
        let first = Array(try metricsRequest([
            sumMetric("http.requests", 3, delta: true), sumMetric("queue.depth", -2, delta: false, monotonic: false),
            summary, exponential, badHistogram,
        ]).serializedData())
        let second = try OTLPJSON.encode(metricsRequest([sumMetric("http.requests", 4, delta: true)]))
        let (posted, postedJSON, text, openMetrics) = try await blocking {
            let client = try RawHTTPClient(port: port)
            return (
                try client.send("POST", "/v1/metrics", headers: [("Content-Type", "application/x-protobuf")], body: first),
                try client.send("POST", "/v1/metrics", headers: [("Content-Type", "application/json")], body: second),
                try client.send("GET", "/metrics"),
                try client.send("GET", "/metrics", headers: [("Accept", "application/openmetrics-text; version=1.0.0")])
            )
        }
        #expect(posted.status == 200)
        let response = try MetricsResponse(serializedBytes: posted.body)
        #expect(response.partialSuccess.rejectedDataPoints == 1)
        #expect(response.partialSuccess.errorMessage.contains("broken"))
        #expect(postedJSON.status == 200)
        #expect(postedJSON.text == "{}")
        let values = metricSamples(text.text)
        let labels = "http_method=\"GET\",instance=\"i-1\",job=\"prod/shop\",otel_scope_name=\"shop.meter\""
        #expect(values["http_requests_total{\(labels)}"] == 7, "delta points add up")
        #expect(values["queue_depth{\(labels)}"] == -2)
        let plain = "instance=\"i-1\",job=\"prod/shop\",otel_scope_name=\"shop.meter\""
        #expect(values["rpc_latency_seconds{\(plain),quantile=\"0.99\"}"] == 1.5)
        #expect(values["rpc_latency_seconds_count{\(plain)}"] == 10)
        #expect(values["payload_size_bytes_bucket{\(plain),le=\"4\"}"] == 2)
        #expect(values["payload_size_bytes_bucket{\(plain),le=\"8\"}"] == 5)
        #expect(values["payload_size_bytes_sum{\(plain)}"] == 30)
        #expect(values["target_info{cloud_region=\"eu\",instance=\"i-1\",job=\"prod/shop\"}"] == 1)
        #expect(values["telemetryd_receiver_received_data_points_total"] == 5)
        #expect(values["telemetryd_receiver_rejected_data_points_total"] == 1)
        #expect(text.text.contains("# TYPE http_requests_total counter\n"))
        #expect(text.text.contains("# TYPE rpc_latency_seconds summary\n"))
        #expect(text.text.contains("# TYPE target_info gauge\n"))
        #expect(openMetrics.text.contains("# TYPE http_requests counter\n"))
        #expect(openMetrics.text.contains("# TYPE target info\n"))
        #expect(openMetrics.text.contains("# UNIT payload_size_bytes bytes\n"))
        #expect(openMetrics.text.contains("payload_size_bytes_bucket{\(plain),le=\"4.0\"} 2\n"))
        #expect(openMetrics.text.hasSuffix("# EOF\n"))
        await service.stop()
    }

    @Test func undecodableMetricsGet400AndTheServerKeepsServing() async throws {
        let service = try await startService()
        let port = service.boundAddress.port
        let body = Array(try metricsRequest([sumMetric("http.requests", 3, delta: false)]).serializedData())
        let (broken, good) = try await blocking {
            let client = try RawHTTPClient(port: port)
            return (
                try client.send(
                    "POST", "/v1/metrics", headers: [("Content-Type", "application/x-protobuf")],
                    body: Array(body.dropLast(3))),
                try client.send("POST", "/v1/metrics", headers: [("Content-Type", "application/x-protobuf")], body: body)
            )
        }
        #expect(broken.status == 400)
        let status = try Google_Rpc_Status(serializedBytes: broken.body)
        #expect(status.code == 3)
        #expect(status.message.contains("ExportMetricsServiceRequest"))
        #expect(good.status == 200)
        await service.stop()
    }
}
