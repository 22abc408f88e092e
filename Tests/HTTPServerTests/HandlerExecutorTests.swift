import Foundation
import HTTPServer
import Synchronization
import TestSupport
import Testing

/// State a suspending handler awaits, as the server's handlers await storage and the rules.
private actor Tally {
    private var count = 0
    func add() -> Int {
        count += 1
        return count
    }
}

/// What the spinning tasks and the test share.
private final class Spinners: Sendable {
    let released = Atomic<Bool>(false)
    let running = Atomic<Int>(0)
}

@Suite("Suspending handlers off the Swift pool")
struct HandlerExecutorTests {
    /// An application that embeds the server can keep every thread of Swift's global pool busy
    /// for seconds (a test process running hundreds of tests does). Handler tasks run on the
    /// server's own threads, so a request whose handler awaits an actor is still answered
    /// while each pool thread spins on other work.
    @Test func requestsAreAnsweredWhileEveryPoolThreadIsBusy() async throws {
        let tally = Tally()
        var router = Router()
        router.add(Route("GET", "/awaits", handler: .suspending { _ in
            .text("answer \(await tally.add())")
        }))
        let server = HTTPServer(configuration: HTTPServerConfiguration(address: ListenAddress("127.0.0.1:0")!), router: router)
        try server.start()
        let port = server.boundAddress.port
        // The global pool has one thread per core. Spinning (not sleeping) keeps each one
        // running, so the pool does not add threads for blocked ones.
        let width = ProcessInfo.processInfo.activeProcessorCount
        let (response, busyThreads) = try await blocking {
            let spinners = Spinners()
            for _ in 0..<width {
                Task.detached {
                    spinners.running.add(1, ordering: .relaxed)
                    let deadline = Date().addingTimeInterval(20)
                    while !spinners.released.load(ordering: .relaxed), Date() < deadline {}
                }
            }
            defer { spinners.released.store(true, ordering: .relaxed) }
            let deadline = Date().addingTimeInterval(20)
            while spinners.running.load(ordering: .relaxed) < width, Date() < deadline { usleep(1000) }
            let busy = spinners.running.load(ordering: .relaxed)
            let client = try RawHTTPClient(port: port, timeoutSeconds: 5)
            return (try client.send("GET", "/awaits"), busy)
        }
        #expect(busyThreads == width)
        #expect(response.status == 200)
        #expect(response.text.trimmingCharacters(in: .whitespacesAndNewlines) == "answer 1")
        await server.stop()
    }

    #if os(Linux)
    /// Threads started with a niceness run at that nice value (Linux keeps it per thread);
    /// threads without one keep the process's.
    @Test func aPositiveNicenessLowersItsThreadsPriority() async {
        func niceValue(on executor: HandlerExecutor) async -> Int32 {
            await Task(executorPreference: executor) { getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0) }.value
        }
        let base = await niceValue(on: HandlerExecutor.shared)
        let lowered = await niceValue(on: HandlerExecutor(threads: 1, name: "nice-test", niceness: 7))
        // Raising priority back needs a privilege, so a process already above 7 stays there.
        #expect(lowered == max(7, base))
        #expect(getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0) == base, "the calling thread is left alone")
    }
    #endif
}
