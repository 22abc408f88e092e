import OTLP
import Synchronization
import Telemetry

/// The RED view of received spans, as the OpenTelemetry Collector's spanmetrics connector
/// exposes it: `traces_span_metrics_calls_total` and `traces_span_metrics_duration_seconds`
/// per `service_name`, `span_name`, `span_kind` and `status_code`, with exemplars pointing at
/// a span of each series (visible in OpenMetrics).
///
/// The number of label sets is capped at `maxSeries`. Spans of further label sets are counted
/// in one overflow series labelled `otel_metric_overflow="true"` (the label the OpenTelemetry
/// SDKs use) and in `telemetryd_span_metrics_overflow_spans_total`.
///
/// Spans whose times no real clock could give (see `implausibleTimes`) are stored but kept
/// out of these metrics, so one client cannot add centuries to a duration sum; they are
/// counted in `telemetryd_span_metrics_skipped_spans_total`.
final class SpanMetrics: Sendable {
    private struct Key: Hashable {
        var service: String
        var name: String
        var kind: Int
        var status: Int
    }

    private struct Series {
        let calls: CounterChild
        let duration: HistogramChild
    }

    /// The collector's default duration buckets, in seconds.
    static let durationBuckets: [Double] = [
        0.002, 0.004, 0.006, 0.008, 0.01, 0.05, 0.1, 0.2, 0.4, 0.8, 1, 1.4, 2, 5, 10, 15,
    ]

    private let calls: Counter
    private let duration: Histogram
    private let overflowSpans: Counter
    private let skippedSpans: Counter
    private let series = Mutex<[Key: Series]>([:])
    let maxSeries: Int

    init(registry: MetricRegistry, maxSeries: Int) throws(MetricError) {
        let labelNames = ["service_name", "span_name", "span_kind", "status_code", "otel_metric_overflow"]
        calls = try registry.counter(
            name: "traces_span_metrics_calls_total", help: "Spans received, by service, operation, kind and status.",
            labelNames: labelNames)
        duration = try registry.histogram(
            name: "traces_span_metrics_duration_seconds", help: "Duration of received spans.", unit: "seconds",
            labelNames: labelNames, buckets: Self.durationBuckets)
        overflowSpans = try registry.counter(
            name: "telemetryd_span_metrics_overflow_spans_total",
            help: "Spans counted in the overflow series because the span metrics reached their series limit.")
        skippedSpans = try registry.counter(
            name: "telemetryd_span_metrics_skipped_spans_total",
            help: "Spans left out of span metrics because their start or end time is implausible.")
        self.maxSeries = maxSeries
    }

    /// Counts the spans. Spans of one series within a batch are counted together and the last
    /// one becomes the series' exemplar.
    func record(_ spans: [SpanRow]) {
        var groups: [Key: [Int]] = [:]
        var skipped = 0
        // Rows are read in place through their index: binding one (`for span in spans`) copies
        // it, retaining and releasing each of its fifteen strings and blobs.
        for index in spans.indices {
            if Self.implausibleTimes(spans[index]) {
                skipped += 1
                continue
            }
            let key = Key(
                service: spans[index].serviceName, name: spans[index].name, kind: spans[index].kind,
                status: spans[index].statusCode)
            groups[key, default: []].append(index)
        }
        if skipped > 0 { skippedSpans.increment(by: Int64(skipped)) }
        for (key, indices) in groups {
            guard let last = indices.last, let (target, overflowed) = series(for: key) else { continue }
            if overflowed { overflowSpans.increment(by: Int64(indices.count)) }
            for index in indices.dropLast() { target.duration.observe(Self.seconds(spans[index])) }
            let exemplar = Exemplar(
                traceID: Hex.encode(spans[last].traceID), spanID: Hex.encode(spans[last].spanID),
                value: Self.seconds(spans[last]), timestamp: Double(spans[last].endUnixNano) / 1e9)
            target.duration.observe(exemplar.value, exemplar: exemplar)
            target.calls.increment(by: Double(indices.count), exemplar: Exemplar(
                traceID: exemplar.traceID, spanID: exemplar.spanID, value: 1, timestamp: exemplar.timestamp))
        }
    }

    /// The series for `key`, or the overflow series (created on first use, so it only shows
    /// once something overflowed) when the limit is reached.
    private func series(for key: Key) -> (Series, overflowed: Bool)? {
        series.withLock { cache in
            if let existing = cache[key] { return (existing, false) }
            let overflowed = cache.count >= maxSeries
            let values = overflowed
                ? ["", "", "", "", "true"]
                : [key.service, key.name, Self.kindName(key.kind), Self.statusName(key.status), ""]
            guard let calls = try? calls.labels(values), let duration = try? duration.labels(values) else { return nil }
            let created = Series(calls: calls, duration: duration)
            if !overflowed { cache[key] = created }
            return (created, overflowed)
        }
    }

    /// Longest span duration counted: a week.
    static let maxDurationNanos: UInt64 = 7 * 86_400 * 1_000_000_000
    /// How far past its arrival a span may end (client clocks run a little ahead).
    static let maxFutureNanos: UInt64 = 3_600 * 1_000_000_000

    /// A span without a start, ending before it starts, lasting more than a week or ending
    /// more than an hour after it arrived.
    static func implausibleTimes(_ span: SpanRow) -> Bool {
        span.startUnixNano == 0 || span.endUnixNano < span.startUnixNano
            || span.endUnixNano - span.startUnixNano > maxDurationNanos
            || span.endUnixNano > span.receivedUnixNano &+ maxFutureNanos
    }

    private static func seconds(_ span: SpanRow) -> Double {
        span.endUnixNano > span.startUnixNano ? Double(span.endUnixNano - span.startUnixNano) / 1e9 : 0
    }

    /// `SPAN_KIND_SERVER` and so on, as the connector writes them.
    static func kindName(_ kind: Int) -> String {
        let names = ["SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL", "SPAN_KIND_SERVER", "SPAN_KIND_CLIENT",
                     "SPAN_KIND_PRODUCER", "SPAN_KIND_CONSUMER"]
        return names.indices.contains(kind) ? names[kind] : "SPAN_KIND_UNSPECIFIED"
    }

    /// `STATUS_CODE_UNSET`, `STATUS_CODE_OK` or `STATUS_CODE_ERROR`.
    static func statusName(_ status: Int) -> String {
        let names = ["STATUS_CODE_UNSET", "STATUS_CODE_OK", "STATUS_CODE_ERROR"]
        return names.indices.contains(status) ? names[status] : "STATUS_CODE_UNSET"
    }
}
