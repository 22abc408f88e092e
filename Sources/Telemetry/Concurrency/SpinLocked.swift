/// A value guarded by a `SpinLock`: the batch queue and the spare span recorders, which the
/// threads ending spans and the export task share for a few instructions at a time.
final class SpinLocked<State>: @unchecked Sendable {  // `state` is only touched under `lock`.
    private let lock = SpinLock()
    // Accesses are serialised by the lock: the runtime's exclusivity check would cost more
    // than the critical section.
    @exclusivity(unchecked) private var state: State

    /// Guards `initial`.
    init(_ initial: State) {
        state = initial
    }

    /// Runs `body` on the value under the lock.
    @inline(__always)
    func withLock<Result>(_ body: (inout State) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&state)
    }
}
