import Foundation
import HTTPServer
import Synchronization
import TestSupport
import Testing

@testable import TelemetryServer

/// Returns once `done` holds, or after ten seconds (the caller's expectations then fail).
private func waitUntil(_ done: () -> Bool) async throws {
    for _ in 0..<2000 where !done() { try await Task.sleep(for: .milliseconds(5)) }
}

/// Reloads run on a thread of their own, one at a time, and requests that arrive while one
/// runs share the next.
@Suite("Configuration reloads")
struct ReloadRunnerTests {
    /// A reload that waits for `release` (at most 30 seconds, so that a test whose expectations
    /// fail ends rather than hangs) and counts its runs.
    private final class BlockedReload: Sendable {
        let runs = Atomic<Int>(0)
        let release = DispatchSemaphore(value: 0)

        func reload() {
            runs.add(1, ordering: .relaxed)
            _ = release.wait(timeout: .now() + .seconds(30))
        }

        func waitForRuns(_ count: Int) async throws {
            try await waitUntil { runs.load(ordering: .relaxed) >= count }
        }
    }

    @Test func requestsDuringAReloadShareTheNextOne() async throws {
        let blocked = BlockedReload()
        let runner = ReloadRunner {
            blocked.reload()
            return .success(())
        }
        async let first = runner.run()
        try await blocked.waitForRuns(1)
        #expect(blocked.runs.load(ordering: .relaxed) == 1)
        // Eight more while the first runs: they wait for one more reload, not eight.
        let later = Task {
            await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<8 { group.addTask { (try? await runner.run().get()) != nil } }
                return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
        }
        // Released once all eight wait, however long their tasks take to start on a busy
        // machine (released after a fixed pause, a late request started a third reload that
        // nothing released).
        try await waitUntil { runner.waitingCount == 8 }
        #expect(runner.waitingCount == 8)
        blocked.release.signal()
        #expect((try? await first.get()) != nil)
        try await blocked.waitForRuns(2)
        blocked.release.signal()
        #expect(await later.value == 8)
        #expect(blocked.runs.load(ordering: .relaxed) == 2)
        // Idle again: the next request starts a reload of its own.
        blocked.release.signal()
        #expect((try? await runner.run().get()) != nil)
        #expect(blocked.runs.load(ordering: .relaxed) == 3)
    }

    @Test func aFailureIsEveryWaitingRequestsAnswer() async throws {
        let runner = ReloadRunner { .failure(TelemetryService.ReloadError(description: "rules.yml:3: bad")) }
        let outcomes = await withTaskGroup(of: String.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    switch await runner.run() {
                    case .success: return "success"
                    case .failure(let error): return error.description
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes == Array(repeating: "rules.yml:3: bad", count: 4))
    }

    /// Over a real socket: while reloads are held up (a configuration loader that blocks),
    /// four `POST /-/reload`s hold none of the server's two worker threads: `/-/healthy`
    /// answers, and each reload request gets its 200 once the reloads go on. Before, each
    /// request reloaded on the worker that took it, so two blocked both.
    @Test func reloadsDoNotHoldTheServersThreads() async throws {
        let blocked = BlockedReload()
        var configuration = ServerConfiguration()
        configuration.listenAddress = ListenAddress(host: "127.0.0.1", port: 0)
        configuration.grpcListenAddress = nil
        configuration.storagePath = FileManager.default.temporaryDirectory
            .appendingPathComponent("telemetryd-reload-\(UUID().uuidString)").path
        let configured = configuration
        let service = try await blocking {
            try TelemetryService(configuration: configured) {
                blocked.reload()
                return configured
            }
        }
        try await service.start()
        let port = service.boundAddress.port
        let reloads = Task {
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<4 {
                    group.addTask { try await blocking { try RawHTTPClient(port: port, timeoutSeconds: 120).send("POST", "/-/reload").status } }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        try await blocked.waitForRuns(1)
        #expect(blocked.runs.load(ordering: .relaxed) == 1)
        let healthy = try await blocking { try RawHTTPClient(port: port, timeoutSeconds: 20).send("GET", "/-/healthy") }
        #expect(healthy.status == 200)
        // Let every reload go (at most one per request).
        for _ in 0..<4 { blocked.release.signal() }
        #expect(try await reloads.value == [200, 200, 200, 200])
        #expect((1...4).contains(blocked.runs.load(ordering: .relaxed)), "at most one reload per request")
        await service.stop()
    }
}
