import Synchronization
import Telemetry

/// A counter that follows a running total kept elsewhere (the HTTP server's header timeouts,
/// the history's appended samples): each look adds what the total gained since the last.
final class MirroredCounter: Sendable {
    private let counter: Counter
    private let seen = Mutex(0)

    init(_ counter: Counter) {
        self.counter = counter
    }

    func follow(_ total: Int) {
        let gained = seen.withLock { seen in
            defer { seen = max(seen, total) }
            return total - seen
        }
        if gained > 0 { counter.increment(by: Int64(gained)) }
    }
}
