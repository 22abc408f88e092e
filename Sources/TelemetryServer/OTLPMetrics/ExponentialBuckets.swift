import Foundation
import OTLP

/// Converts an OTLP exponential histogram point into explicit Prometheus buckets.
///
/// With `base = 2^(2^-scale)`, positive bucket `i` holds values in `(base^i, base^(i+1)]`
/// and negative bucket `i` values in `[-base^(i+1), -base^i)`; the zero bucket holds
/// `[-zero_threshold, zero_threshold]`. Upper bounds ascend through the negative buckets (most
/// negative first), the zero bucket, then the positive buckets, so every bucket maps to one
/// `le` bound exactly and no count is moved.
enum ExponentialBuckets {
    typealias Point = Opentelemetry_Proto_Metrics_V1_ExponentialHistogramDataPoint

    /// Scales outside [-10, 20] are rejected (the range the specification allows).
    static func convert(_ point: Point) -> (bounds: [Double], counts: [UInt64])? {
        guard (-10...20).contains(point.scale) else { return nil }
        let scale = Double(point.scale)
        func power(_ index: Int64) -> Double { exp2(Double(index) * exp2(-scale)) }
        var bounds: [Double] = []
        var counts: [UInt64] = []
        func append(_ bound: Double, _ count: UInt64) {
            if let last = bounds.last, !(bound > last) {
                counts[counts.count - 1] &+= count
            } else {
                bounds.append(bound)
                counts.append(count)
            }
        }
        let negative = point.negative
        for position in negative.bucketCounts.indices.reversed() {
            append(-power(Int64(negative.offset) + Int64(position)), negative.bucketCounts[position])
        }
        append(point.zeroThreshold, point.zeroCount)
        let positive = point.positive
        for position in positive.bucketCounts.indices {
            append(power(Int64(positive.offset) + Int64(position) + 1), positive.bucketCounts[position])
        }
        // Whatever the count holds beyond the buckets (it should be nothing) goes to +Inf.
        let bucketed = counts.reduce(0, &+)
        counts.append(point.count > bucketed ? point.count - bucketed : 0)
        return (bounds, counts)
    }
}
