import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Threads of their own for the tasks that run suspending route handlers.
///
/// A handler task prefers this executor (`Task(executorPreference:)`), so it and the default
/// actors it calls run here rather than on Swift's global pool. The global pool has one thread
/// per core; an application that embeds the server, or a test process running hundreds of
/// tests, can keep every one of them busy for seconds, and a `/metrics` scrape or an OTLP
/// export would wait behind that work. With its own threads the server answers while the
/// process around it is busy, as a server on an event loop of its own does.
///
/// One executor serves every `HTTPServer` in the process and lives as long as the process:
/// a handler may still be running when its server stops, and its task must be able to finish.
public final class HandlerExecutor: TaskExecutor, @unchecked Sendable {
    /// The executor every server's handler tasks prefer.
    public static let shared = HandlerExecutor(
        threads: max(2, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))), name: "http-handler")

    // @unchecked: `jobs` is only touched while `condition` is locked.
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var next = 0

    /// Starts `threads` threads, named `name-0`, `name-1`… (the first 15 bytes: `ThreadName`),
    /// that run jobs in the order they were enqueued. For work that must not hold up the
    /// handlers (or be held up by them), such as long computations a handler hands over; the
    /// threads live as long as the process.
    ///
    /// A positive `niceness` lowers the threads' scheduling priority (their nice value, which
    /// Linux keeps per thread), so that on busy cores other threads get the larger share: at
    /// 10, about a tenth of a thread at the default priority.
    public init(threads: Int, name: String, niceness: Int32 = 0) {
        for index in 0..<threads {
            let thread = Thread { [self] in
                ThreadName.setCurrent("\(name)-\(index)")
                #if os(Linux)
                // `who` 0 is the calling thread on Linux; lowering needs no privilege.
                if niceness > 0 { _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness) }
                #endif
                runJobs()
            }
            thread.start()
        }
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        condition.lock()
        jobs.append(unowned)
        condition.signal()
        condition.unlock()
    }

    private func runJobs() {
        let executor = asUnownedTaskExecutor()
        while true {
            condition.lock()
            while next == jobs.count { condition.wait() }
            let job = jobs[next]
            next += 1
            // Drop what has been taken once it is half the queue: amortised O(1) per job.
            if next > 64, next * 2 > jobs.count {
                jobs.removeFirst(next)
                next = 0
            }
            condition.unlock()
            job.runSynchronously(on: executor)
        }
    }
}
