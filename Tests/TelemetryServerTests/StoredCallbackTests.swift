import Logging
import PromQL
import Synchronization
@testable import TelemetryServer
import Testing

/// Callbacks kept behind a lock and called on every request or evaluation must cost the same
/// on their thousandth call as on their first. A `Mutex` over a bare closure broke this: each
/// access re-wrapped the closure in reabstraction thunks, so every call went one level deeper
/// (after a few thousand ingest requests the check took 4% of the server's CPU, and the stack
/// it needs grows until the thread overflows). The depth is measured as stack used between
/// the caller and the callback.
@Suite("Stored callbacks")
struct StoredCallbackTests {
    static let calls = 3000
    /// Room for a few frames of difference (debug builds, inlining) but far below the 64
    /// bytes per call the thunk chain added.
    static let slack = 2048

    /// Stack used by the caller's last call into the callback, and by its first.
    final class Depths: Sendable {
        private let base = Mutex(0)
        private let used = Mutex<[Int]>([])

        func measure(_ call: () -> Void) {
            base.withLock { $0 = stackAddress() }
            call()
        }

        /// Called inside the callback.
        func record() {
            let here = stackAddress()
            let base = base.withLock { $0 }
            used.withLock { $0.append(base - here) }
        }

        var first: Int { used.withLock { $0.first ?? 0 } }
        var last: Int { used.withLock { $0.last ?? 0 } }
        var count: Int { used.withLock { $0.count } }
    }

    @Test("the dashboard's listening check does not deepen with each ingest request")
    func listeningCheck() {
        let summaries = SignalSummaries()
        let depths = Depths()
        summaries.listen {
            depths.record()
            return false
        }
        for _ in 0..<Self.calls {
            depths.measure { summaries.record(spans: []) }
        }
        #expect(depths.count == Self.calls)
        #expect(depths.last <= depths.first + Self.slack, "first \(depths.first) bytes, last \(depths.last)")
    }

    @Test("the rules manager's evaluation handler does not deepen with each evaluation")
    func evaluationHandler() throws {
        let store = try MetricHistoryStoreTests.Store()
        let definition = RuleGroupDefinition(name: "g", interval: nil, limit: 0, queryOffset: nil, labels: [:], rules: [])
        let group = RuleGroup(definition, file: "rules.yml", defaultInterval: 60_000, externalLabels: [:])
        let manager = RulesManager(
            groups: [group], engine: Engine(), history: store.history, metrics: nil, logger: Logger(label: "test"))
        let depths = Depths()
        manager.onEvaluated { evaluated in
            #expect(evaluated === group)
            depths.record()
        }
        for call in 0..<Self.calls {
            depths.measure { manager.evaluate(group, at: Int64(call) * 60_000) }
        }
        #expect(depths.count == Self.calls)
        #expect(depths.last <= depths.first + Self.slack, "first \(depths.first) bytes, last \(depths.last)")
    }
}

/// An address on the calling thread's stack; the stack grows down, so a deeper call has a
/// lower one.
@inline(never)
private func stackAddress() -> Int {
    var marker = 0
    return withUnsafeMutablePointer(to: &marker) { Int(bitPattern: $0) }
}
