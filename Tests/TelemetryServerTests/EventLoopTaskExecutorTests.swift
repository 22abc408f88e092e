import NIOCore
import NIOPosix
import Testing

@testable import TelemetryServer

@Suite("EventLoopTaskExecutor runs the gRPC handlers' tasks on the listener's event loops")
struct EventLoopTaskExecutorTests {
    /// The event loop of the group the current thread belongs to, if it is one of `group`'s.
    private static func currentLoop(in group: MultiThreadedEventLoopGroup) -> (any EventLoop)? {
        guard let loop = MultiThreadedEventLoopGroup.currentEventLoop else { return nil }
        return group.makeIterator().contains { $0 === loop } ? loop : nil
    }

    @Test func aTaskRunsOnTheGroupAndStaysThereAcrossSuspensions() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let executor = EventLoopTaskExecutor(group: group)
        let (before, after, onOtherThread) = await Task(executorPreference: executor) {
            let before = Self.currentLoop(in: group) != nil
            // Resumed from a thread outside the group: the job goes to one of its loops.
            let onOtherThread = await Task.detached { Self.currentLoop(in: group) == nil }.value
            let after = Self.currentLoop(in: group) != nil
            return (before, after, onOtherThread)
        }.value
        #expect(before)
        #expect(onOtherThread)
        #expect(after)
        try await group.shutdownGracefully()
    }

    @Test func aJobEnqueuedOnALoopRunsOnThatLoop() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let executor = EventLoopTaskExecutor(group: group)
        for loop in group.makeIterator() {
            // A task started from a loop's thread (as grpc-swift starts a handler when a
            // stream opens) runs on that same loop.
            let ranOn = try await loop.submit {
                Task(executorPreference: executor) { Self.currentLoop(in: group).map(ObjectIdentifier.init) }
            }.get().value
            #expect(ranOn == ObjectIdentifier(loop))
        }
        try await group.shutdownGracefully()
    }

    @Test func aHandlerPinnedToItsLoopIsResumedThereFromAnotherThread() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let executor = EventLoopTaskExecutor(group: group)
        for loop in group.makeIterator() {
            let (pinned, loops) = try await loop.submit {
                Task(executorPreference: executor) {
                    // As a gRPC handler does when it starts on its connection's loop.
                    let pinned = EventLoopTaskExecutor.currentLoop()
                    return await withTaskExecutorPreference(pinned) {
                        var loops: [ObjectIdentifier?] = []
                        for _ in 0..<4 {
                            // Resumed from a thread outside the group, as by the storage writer.
                            _ = await Task.detached { 0 }.value
                            loops.append(Self.currentLoop(in: group).map(ObjectIdentifier.init))
                        }
                        return (pinned != nil, loops)
                    }
                }
            }.get().value
            #expect(pinned)
            #expect(loops == Array(repeating: ObjectIdentifier(loop), count: 4))
        }
        #expect(EventLoopTaskExecutor.currentLoop() == nil)
        try await group.shutdownGracefully()
    }
}
