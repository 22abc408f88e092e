import Synchronization

/// Samples at most a given number of traces per second, with a token bucket that holds one
/// second's worth (so a burst after a quiet period is capped at that rate).
///
/// It decides per span; wrap it in `ParentBasedSampler` so that only root spans spend tokens and
/// children follow their root.
public final class RateLimitingSampler: Sampler {
    private struct Bucket {
        var tokens: Double
        var refilledAt: UInt64
    }

    /// Traces sampled per second at most.
    public let tracesPerSecond: Double
    private let bucket: Mutex<Bucket>
    private let now: @Sendable () -> UInt64

    /// Creates the sampler; `now` (monotonic nanoseconds) can be replaced in tests.
    public init(tracesPerSecond: Double, now: @escaping @Sendable () -> UInt64 = MonotonicNanoseconds.now) {
        let rate = tracesPerSecond.isFinite ? max(tracesPerSecond, 0) : 0
        self.tracesPerSecond = rate
        self.now = now
        bucket = Mutex(Bucket(tokens: rate, refilledAt: now()))
    }

    public func shouldSample(
        parentContext: SpanContext?, traceID: TraceID, name: String, kind: SpanKind,
        attributes: SpanAttributes, links: [SpanLink]
    ) -> SamplingResult {
        let time = now()
        let rate = tracesPerSecond
        let granted = bucket.withLock { bucket in
            let elapsed = Double(time &- bucket.refilledAt) / 1e9
            bucket.tokens = min(rate, bucket.tokens + elapsed * rate)
            bucket.refilledAt = time
            guard bucket.tokens >= 1 else { return false }
            bucket.tokens -= 1
            return true
        }
        return SamplingResult(granted ? .recordAndSample : .drop)
    }

    public var description: String { "RateLimitingSampler{\(tracesPerSecond)}" }
}
