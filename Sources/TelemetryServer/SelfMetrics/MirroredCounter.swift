import Synchronization
import Telemetry

/// A counter that follows a running total kept elsewhere (the HTTP server's header timeouts,
/// the history's appended samples): each look adds what the total gained since the last.
final class MirroredCounter: Sendable {
    private let increment: @Sendable (Int64) -> Void
    private let seen = Mutex(0)

    init(_ counter: Counter) {
        increment = { counter.increment(by: $0) }
    }

    /// Follows into one labelled child of a counter.
    init(_ child: CounterChild) {
        increment = { child.increment(by: $0) }
    }

    func follow(_ total: Int) {
        let gained = seen.withLock { seen in
            defer { seen = max(seen, total) }
            return total - seen
        }
        if gained > 0 { increment(Int64(gained)) }
    }
}
