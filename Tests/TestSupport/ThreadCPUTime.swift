#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// CPU time the calling thread spends in `body`, in seconds, with what `body` returns.
///
/// For tests that compare how the cost of a computation grows with its input (linear against
/// quadratic): unlike wall-clock time, it does not count the time the thread waited for a core
/// while the tests running beside it had both, which on a two-core machine can make one
/// measurement several times another for the same work.
public func threadCPUSeconds<Result>(_ body: () throws -> Result) rethrows -> (seconds: Double, result: Result) {
    func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
    let started = now()
    let result = try body()
    return (now() - started, result)
}
