import OTLP
import Telemetry

/// Turns an OTLP metrics export into `MetricUpdate`s for `OTLPMetricStore`, per the
/// OpenTelemetry–Prometheus compatibility specification.
///
/// Every series carries `job` (`service.namespace/service.name`, or `service.name`) and
/// `instance` (`service.instance.id`); the other resource attributes go to one `target_info`
/// series per resource. Scope name and version become `otel_scope_name` and
/// `otel_scope_version`. Points that cannot be exposed are rejected with a reason.
enum MetricConverter {
    typealias Request = Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceRequest
    typealias KeyValue = Opentelemetry_Proto_Common_V1_KeyValue

    struct Result {
        var updates: [MetricUpdate] = []
        var points = 0
        var rejections = Rejections()
    }

    private static let identifyingKeys: Set<String> = ["service.name", "service.namespace", "service.instance.id"]

    static func convert(_ request: Request) -> Result {
        var result = Result()
        for resourceMetrics in request.resourceMetrics {
            let resource = resourceMetrics.resource.attributes
            let target = targetLabels(resource)
            let info = labels(resource.filter { !identifyingKeys.contains($0.key) }, overriddenBy: target)
            if info.count > target.count {
                result.updates.append(
                    MetricUpdate(
                        family: "target", type: .info, help: "Target metadata", unit: "", labels: info,
                        value: .number(1), mode: .replace))
            }
            for scopeMetrics in resourceMetrics.scopeMetrics {
                var identity = target
                let scope = scopeMetrics.scope
                if !scope.name.isEmpty { identity.append(MetricLabel(name: "otel_scope_name", value: scope.name)) }
                if !scope.version.isEmpty {
                    identity.append(MetricLabel(name: "otel_scope_version", value: scope.version))
                }
                for metric in scopeMetrics.metrics {
                    convert(metric, identity: identity, into: &result)
                }
            }
        }
        return result
    }

    private static func convert(_ metric: Opentelemetry_Proto_Metrics_V1_Metric, identity: [MetricLabel], into result: inout Result) {
        func reject(_ count: Int, _ reason: String) {
            result.points += count
            for _ in 0..<count { result.rejections.add("metric \"\(metric.name)\": \(reason)") }
        }
        let kind: PrometheusNaming.MetricKind
        switch metric.data {
        case .gauge: kind = .gauge
        case .sum(let sum): kind = sum.isMonotonic ? .counter : .gauge
        case .histogram, .exponentialHistogram: kind = .histogram
        case .summary: kind = .summary
        case nil:
            reject(1, "no data (gauge, sum, histogram, exponential histogram or summary)")
            return
        }
        let type: MetricType = switch kind {
        case .counter: .counter
        case .gauge: .gauge
        case .histogram: .histogram
        case .summary: .summary
        }
        guard let (name, unit) = PrometheusNaming.metricName(metric.name, unit: metric.unit, type: kind) else {
            reject(pointCount(metric), "the name has no letters or digits")
            return
        }
        func emit(_ attributes: [KeyValue], _ flags: UInt32, _ delta: Bool, _ value: () -> CollectedSeries.Value?) {
            result.points += 1
            let mode: MetricUpdate.Mode = flags & 1 != 0 ? .remove : (delta ? .add : .replace)
            guard let converted = mode == .remove ? .number(0) : value() else {
                result.rejections.add("metric \"\(metric.name)\": data point has no valid value")
                return
            }
            result.updates.append(
                MetricUpdate(
                    family: name, type: type, help: metric.description_p, unit: unit,
                    labels: labels(attributes, overriddenBy: identity), value: converted, mode: mode))
        }
        switch metric.data {
        case .gauge(let gauge):
            for point in gauge.dataPoints { emit(point.attributes, point.flags, false) { number(point) } }
        case .sum(let sum):
            let delta = sum.aggregationTemporality == .delta
            for point in sum.dataPoints { emit(point.attributes, point.flags, delta) { number(point) } }
        case .histogram(let histogram):
            let delta = histogram.aggregationTemporality == .delta
            for point in histogram.dataPoints {
                emit(point.attributes, point.flags, delta) {
                    let counts = point.bucketCounts.isEmpty ? [point.count] : point.bucketCounts
                    guard counts.count == point.explicitBounds.count + 1,
                          zip(point.explicitBounds, point.explicitBounds.dropFirst()).allSatisfy({ $0 < $1 })
                    else { return nil }
                    return .histogram(bounds: point.explicitBounds, bucketCounts: counts, sum: point.hasSum ? point.sum : nil)
                }
            }
        case .exponentialHistogram(let histogram):
            let delta = histogram.aggregationTemporality == .delta
            for point in histogram.dataPoints {
                emit(point.attributes, point.flags, delta) {
                    ExponentialBuckets.convert(point).map {
                        .histogram(bounds: $0.bounds, bucketCounts: $0.counts, sum: point.hasSum ? point.sum : nil)
                    }
                }
            }
        case .summary(let summary):
            for point in summary.dataPoints {
                emit(point.attributes, point.flags, false) {
                    .summary(
                        quantiles: point.quantileValues.map { ($0.quantile, $0.value) }, count: point.count, sum: point.sum)
                }
            }
        case nil:
            break
        }
    }

    private static func number(_ point: Opentelemetry_Proto_Metrics_V1_NumberDataPoint) -> CollectedSeries.Value? {
        switch point.value {
        case .asDouble(let value): return .number(value)
        case .asInt(let value): return .number(Double(value))
        case nil: return nil
        }
    }

    private static func pointCount(_ metric: Opentelemetry_Proto_Metrics_V1_Metric) -> Int {
        switch metric.data {
        case .gauge(let gauge): return gauge.dataPoints.count
        case .sum(let sum): return sum.dataPoints.count
        case .histogram(let histogram): return histogram.dataPoints.count
        case .exponentialHistogram(let histogram): return histogram.dataPoints.count
        case .summary(let summary): return summary.dataPoints.count
        case nil: return 1
        }
    }

    /// `job` and `instance` from the resource.
    private static func targetLabels(_ resource: [KeyValue]) -> [MetricLabel] {
        func string(_ key: String) -> String? {
            resource.last { $0.key == key }.map { labelValue($0.value) }
        }
        let service = ServiceName.of(resource)
        let job = string("service.namespace").map { $0.isEmpty ? service : "\($0)/\(service)" } ?? service
        var labels = [MetricLabel(name: "job", value: job)]
        if let instance = string("service.instance.id") { labels.append(MetricLabel(name: "instance", value: instance)) }
        return labels
    }

    /// Sanitized attribute labels plus `fixed`, which win over attributes of the same name.
    /// Attributes whose names collide after sanitizing are joined with `;`, ordered by key; a
    /// repeated key keeps its last value. Linear in the attributes: keys are found by hashing
    /// (a search of each name's list was quadratic: 65,536 keys that all sanitize to one name
    /// took 4.1 s, and a 20 MiB body holds a million).
    private static func labels(_ attributes: [KeyValue], overriddenBy fixed: [MetricLabel]) -> [MetricLabel] {
        var byName: [String: [String: String]] = [:]
        for attribute in attributes {
            guard let name = PrometheusNaming.labelName(attribute.key) else { continue }
            byName[name, default: [:]][attribute.key] = labelValue(attribute.value)
        }
        for label in fixed { byName[label.name] = [label.name: label.value] }
        return byName.map { name, values in
            MetricLabel(name: name, value: values.sorted { $0.key < $1.key }.map(\.value).joined(separator: ";"))
        }.sorted()
    }

    private static func labelValue(_ value: Opentelemetry_Proto_Common_V1_AnyValue) -> String {
        if case .stringValue(let string) = value.value { return string }
        var json = AttributeJSON()
        return json.value(value)
    }
}
