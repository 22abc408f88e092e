/// Exponential backoff with jitter for retryable answers (429, 502, 503, 504) and connection
/// failures. A `Retry-After` header replaces the computed delay.
public struct RetryPolicy: Sendable, Hashable {
    /// The most attempts per export, the first included (default 5).
    public var maxAttempts: Int
    /// The delay before the first retry (default 1 s); it doubles after each retry.
    public var initialBackoff: Duration
    /// The longest computed delay (default 30 s).
    public var maxBackoff: Duration
    /// The longest `Retry-After` honoured (default 5 minutes); a longer one fails the export.
    public var maxRetryAfter: Duration

    /// Creates a policy.
    public init(
        maxAttempts: Int = 5, initialBackoff: Duration = .seconds(1), maxBackoff: Duration = .seconds(30),
        maxRetryAfter: Duration = .seconds(300)
    ) {
        self.maxAttempts = max(maxAttempts, 1)
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.maxRetryAfter = maxRetryAfter
    }

    /// The delay before retry number `retry` (1 for the first): half the exponential delay
    /// plus a random part of up to the other half, so clients that failed together spread out.
    package func backoff(beforeRetry retry: Int) -> Duration {
        let exponent = min(retry - 1, 30)
        let full = min(initialBackoff * (1 << exponent), maxBackoff)
        return full / 2 + full / 2 * Double.random(in: 0...1)
    }
}
