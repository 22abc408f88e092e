import Synchronization

/// A shared allowance of memory for request bodies in flight, counted after inflating gzip,
/// like the OpenTelemetry Collector's memory limiter: past it requests are refused with 503
/// and `Retry-After` instead of growing the heap.
///
/// One budget can serve several listeners (the HTTP server and an OTLP/gRPC listener), so
/// that together they hold no more than `limit`.
public final class BodyBudget: Sendable {
    /// Bytes all bodies together may hold.
    public let limit: Int
    private let used = Atomic<Int>(0)

    /// Creates a budget of `limit` bytes.
    public init(limit: Int) {
        self.limit = limit
    }

    /// Bytes held now.
    public var inUse: Int { used.load(ordering: .relaxed) }

    /// Bytes still free.
    public var available: Int { max(0, limit - inUse) }

    /// Takes `bytes` from the budget, or returns false (and takes nothing) when they do not fit.
    public func reserve(_ bytes: Int) -> Bool {
        guard bytes > 0 else { return true }
        let after = used.add(bytes, ordering: .relaxed).newValue
        if after > limit {
            used.subtract(bytes, ordering: .relaxed)
            return false
        }
        return true
    }

    /// Gives `bytes` back.
    public func release(_ bytes: Int) {
        guard bytes > 0 else { return }
        used.subtract(bytes, ordering: .relaxed)
    }
}
