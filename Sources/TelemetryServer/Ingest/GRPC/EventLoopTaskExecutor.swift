import NIOCore
import NIOPosix

/// Runs the OTLP/gRPC handlers' tasks on the event loops of the transport that reads their
/// requests, instead of handing each request to other threads and back.
///
/// A job enqueued on one of the executor's loops (a handler started by its stream, or resumed
/// by its request's message) runs on that loop, after what the loop is doing; one enqueued
/// from another thread (a handler resumed by the storage writer) goes to the next of its
/// loops. A handler pins itself to the loop of its connection with an executor over that one
/// loop (`init(loop:)`), so the storage writer's answer resumes it where its response is
/// written, on a loop that is usually awake. Measured with the ingest benchmark: a call crossed
/// threads 42–46 times on grpc-swift's defaults (handlers on other threads, a 64 KiB window),
/// 11–24 with handlers on the loops but not pinned, 4–7 once pinned (OTLP/HTTP: 6–9; see
/// docs/otlp-ingest.md).
final class EventLoopTaskExecutor: TaskExecutor {
    private let loops: any EventLoopGroup
    /// The loops' identities, to tell one of them from a loop of another group.
    private let members: Set<ObjectIdentifier>

    /// An executor over every loop of `group`.
    init(group: MultiThreadedEventLoopGroup) {
        loops = group
        members = Set(group.makeIterator().map { ObjectIdentifier($0) })
    }

    /// An executor that runs every job on `loop`.
    init(loop: any EventLoop) {
        loops = loop
        members = [ObjectIdentifier(loop)]
    }

    /// An executor over the event loop running the caller, or nil when the caller is not on
    /// an event loop.
    static func currentLoop() -> EventLoopTaskExecutor? {
        MultiThreadedEventLoopGroup.currentEventLoop.map { EventLoopTaskExecutor(loop: $0) }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let loop: any EventLoop
        if let current = MultiThreadedEventLoopGroup.currentEventLoop, members.contains(ObjectIdentifier(current)) {
            loop = current
        } else {
            loop = loops.next()
        }
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
