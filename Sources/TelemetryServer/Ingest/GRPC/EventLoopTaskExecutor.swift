import NIOCore
import NIOPosix

/// Runs the OTLP/gRPC handlers' tasks on the event loops of the transport that reads their
/// requests, instead of handing each request to other threads and back.
///
/// A job enqueued on an event loop's thread (a handler resumed by its request's message, the
/// usual case) runs on that loop, after what it is doing; one enqueued elsewhere (a handler
/// resumed by the storage writer) goes to the group's next loop. Measured with the ingest
/// benchmark: a call crossed threads about 30 times on grpc-swift's default of a separate
/// executor, and the server's CPU per span was higher than OTLP/HTTP's for the same payloads.
/// The event loops belong to the gRPC listener alone (`OTLPGRPCServer` makes the group), so
/// a handler decoding a large message delays only other gRPC calls on its loop.
final class EventLoopTaskExecutor: TaskExecutor {
    private let group: MultiThreadedEventLoopGroup

    init(group: MultiThreadedEventLoopGroup) {
        self.group = group
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let loop = MultiThreadedEventLoopGroup.currentEventLoop ?? group.next()
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
