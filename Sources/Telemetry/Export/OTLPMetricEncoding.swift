import OTLP

/// Builds an OTLP metrics request from a registry's current values: counters become monotonic
/// cumulative sums, up-down counters non-monotonic cumulative sums, gauges gauges, histograms
/// cumulative explicit-bucket histograms. Label names become attribute keys.
package enum OTLPMetricEncoding {
    package static func request(
        _ registry: MetricRegistry, resource: Resource, scope: InstrumentationScope, startTime: UInt64, now: UInt64
    ) -> Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceRequest {
        var scopeMetrics = Opentelemetry_Proto_Metrics_V1_ScopeMetrics()
        scopeMetrics.scope = OTLPValues.scope(scope)
        for family in registry.families {
            if let metric = metric(family, startTime: startTime, now: now) { scopeMetrics.metrics.append(metric) }
        }
        var resourceMetrics = Opentelemetry_Proto_Metrics_V1_ResourceMetrics()
        resourceMetrics.resource = OTLPValues.resource(resource)
        resourceMetrics.scopeMetrics = [scopeMetrics]
        var request = Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceRequest()
        request.resourceMetrics = [resourceMetrics]
        return request
    }

    /// The metric for one family, or nil when it has no series yet.
    static func metric(_ family: MetricFamily, startTime: UInt64, now: UInt64) -> Opentelemetry_Proto_Metrics_V1_Metric? {
        let descriptor = family.descriptor
        var metric = Opentelemetry_Proto_Metrics_V1_Metric()
        metric.name = descriptor.name
        metric.description_p = descriptor.help
        metric.unit = ucum(descriptor.unit)
        func point(_ labels: LabelSet, _ value: Double) -> Opentelemetry_Proto_Metrics_V1_NumberDataPoint {
            var point = Opentelemetry_Proto_Metrics_V1_NumberDataPoint()
            point.attributes = attributes(descriptor.labelNames, labels)
            point.startTimeUnixNano = startTime
            point.timeUnixNano = now
            point.asDouble = value
            return point
        }
        func sum(monotonic: Bool, _ points: [Opentelemetry_Proto_Metrics_V1_NumberDataPoint]) {
            var sum = Opentelemetry_Proto_Metrics_V1_Sum()
            sum.aggregationTemporality = .cumulative
            sum.isMonotonic = monotonic
            sum.dataPoints = points
            metric.sum = sum
        }
        switch family {
        case .counter(let counter):
            let children = counter.children.sorted().children
            guard !children.isEmpty else { return nil }
            sum(monotonic: true, children.map { point($0.labels, $0.value) })
        case .upDownCounter(let counter):
            let children = counter.children.sorted().children
            guard !children.isEmpty else { return nil }
            sum(monotonic: false, children.map { point($0.labels, $0.value) })
        case .gauge(let gauge):
            let children = gauge.children.sorted().children
            guard !children.isEmpty else { return nil }
            var converted = Opentelemetry_Proto_Metrics_V1_Gauge()
            converted.dataPoints = children.map { point($0.labels, $0.value) }
            metric.gauge = converted
        case .histogram(let histogram):
            let children = histogram.children.sorted().children
            guard !children.isEmpty else { return nil }
            var converted = Opentelemetry_Proto_Metrics_V1_Histogram()
            converted.aggregationTemporality = .cumulative
            converted.dataPoints = children.map { child in
                let snapshot = child.snapshot
                var point = Opentelemetry_Proto_Metrics_V1_HistogramDataPoint()
                point.attributes = attributes(descriptor.labelNames, child.labels)
                point.startTimeUnixNano = startTime
                point.timeUnixNano = now
                point.explicitBounds = snapshot.bounds
                var previous: UInt64 = 0
                point.bucketCounts = snapshot.cumulativeCounts.map { cumulative in
                    defer { previous = cumulative }
                    return cumulative &- previous
                }
                point.count = snapshot.count
                point.sum = snapshot.sum
                return point
            }
            metric.histogram = converted
        }
        return metric
    }

    private static func attributes(_ names: [String], _ labels: LabelSet) -> [Opentelemetry_Proto_Common_V1_KeyValue] {
        zip(names, labels.values).compactMap { name, value in
            guard !value.isEmpty else { return nil }
            var pair = Opentelemetry_Proto_Common_V1_KeyValue()
            pair.key = name
            pair.value.stringValue = value
            return pair
        }
    }

    /// Prometheus unit words back to the UCUM units OTLP uses, so that a receiver applying the
    /// compatibility spec does not append the unit a second time.
    static func ucum(_ unit: String) -> String {
        switch unit {
        case "seconds": return "s"
        case "milliseconds": return "ms"
        case "bytes": return "By"
        case "ratio": return "1"
        default: return unit
        }
    }
}
