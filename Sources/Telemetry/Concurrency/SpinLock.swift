import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A lock for critical sections of a few instructions that are rarely contended, such as a
/// span's state or the batch queue.
///
/// Taking it is one atomic compare-and-exchange and releasing it a plain store; a `Mutex`
/// releases with a second atomic instruction (measured here: 15–35 ns each, and a sampled span
/// takes a lock eight times). A waiter spins and yields the processor now and then, so a holder
/// that was preempted gets to run. Never hold it across a suspension or anything that blocks.
struct SpinLock: ~Copyable {
    private let held = Atomic<Bool>(false)

    init() {}

    /// Takes the lock, waiting for it if it is held.
    @inline(__always)
    borrowing func lock() {
        if !held.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged { wait() }
    }

    /// Releases the lock.
    @inline(__always)
    borrowing func unlock() {
        held.store(false, ordering: .releasing)
    }

    @inline(never)
    private borrowing func wait() {
        var spins = 0
        repeat {
            while held.load(ordering: .relaxed) {
                spins += 1
                if spins == 64 {
                    spins = 0
                    sched_yield()
                }
            }
        } while !held.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
    }
}
