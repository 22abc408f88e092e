import Foundation
import Logging
import TestSupport
import Testing

@testable import TelemetryServer

/// The durable queue and its senders over real sockets: a receiver that refuses connections,
/// then answers 503 with `Retry-After`, then recovers gets every notification, in order, once;
/// a receiver that hangs is cut by its timeout and does not hold up another.
@Suite("Notification delivery")
struct NotificationDeliveryTests {
    private static func notifier(_ webhooks: [WebhookReceiver]) throws -> (AlertNotifier, StorageWriter) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("notify-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let database = try TelemetryDatabase(directory: directory)
        let writer = StorageWriter(database: database)
        var configuration = AlertingConfiguration()
        configuration.webhooks = webhooks
        let notifier = try AlertNotifier(
            configuration: configuration, externalURL: "", database: database, writer: writer, registry: nil,
            logger: Logger(label: "notify-test"))
        return (notifier, writer)
    }

    private static var now: Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    @Test func anOutageLosesNothingAndKeepsTheOrder() async throws {
        let port = freeLoopbackPort()
        var hook = WebhookReceiver(name: "hook", url: "http://127.0.0.1:\(port)/hook")
        hook.timeout = PrometheusDuration(milliseconds: 1000)
        let (notifier, writer) = try Self.notifier([hook])
        let sending = Task.detached { await notifier.run() }
        defer {
            sending.cancel()
            writer.stop()
        }
        let count = 40
        notifier.queue.enqueue((0..<count).map { (WebhookDispatcher.destination("hook"), Array("{\"n\":\($0)}".utf8)) }, at: Self.now)

        // Nothing listens for 1.5 s, then the receiver answers 503 (Retry-After: 1) until it has
        // refused three attempts, then it recovers.
        try await Task.sleep(for: .milliseconds(1500))
        let recorder = try WebhookRecorder(port: port)
        recorder.respond { _ in 503 }
        _ = try await blocking { () -> Bool in
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline, recorder.attempts.filter({ $0.status == 503 }).count < 3 { Thread.sleep(forTimeInterval: 0.05) }
            return true
        }
        recorder.respond { _ in 200 }
        let delivered = try await blocking { recorder.wait(upTo: 60) { $0.count >= count } }
        let numbers = delivered.compactMap { ($0.json as? [String: Int])?["n"] }
        #expect(numbers == Array(0..<count), "every notification, in order, once")

        let refusals = recorder.attempts.filter { $0.status == 503 }.map(\.at)
        #expect(refusals.count >= 3)
        #expect(zip(refusals, refusals.dropFirst()).allSatisfy { $1.timeIntervalSince($0) >= 0.9 }, "Retry-After: 1 honoured")
        // Deletions commit behind the deliveries.
        let left = try await blocking { () throws -> Int in
            for _ in 0..<100 where try notifier.queue.backlog().count > 0 { Thread.sleep(forTimeInterval: 0.05) }
            return try notifier.queue.backlog().count
        }
        #expect(left == 0)
        await recorder.stop()
    }

    @Test func aHangingReceiverIsCutByItsTimeoutAndHoldsUpNoOther() async throws {
        // Each request to /slow hangs far longer than its 500 ms timeout, so only the timeout
        // can end it, however slowly a loaded machine runs the client.
        let recorder = try WebhookRecorder(hang: .seconds(60))
        recorder.respond { $0 == "/slow" ? 0 : 200 }
        var slow = WebhookReceiver(name: "slow", url: "http://127.0.0.1:\(recorder.port)/slow")
        slow.timeout = PrometheusDuration(milliseconds: 500)
        let fast = WebhookReceiver(name: "fast", url: "http://127.0.0.1:\(recorder.port)/fast")
        let (notifier, writer) = try Self.notifier([slow, fast])
        let sending = Task.detached { await notifier.run() }
        defer {
            sending.cancel()
            writer.stop()
        }
        notifier.queue.enqueue([("webhook:slow", Array("{}".utf8)), ("webhook:fast", Array("{}".utf8))], at: Self.now)
        // The slow receiver never answers in time (retried): the fast one is served all the same.
        let delivered = try await blocking { recorder.wait(upTo: 40) { $0.contains { $0.path == "/fast" } } }
        #expect(delivered.contains { $0.path == "/fast" }, "the fast receiver did not wait for the slow one")
        let retried = try await blocking { () -> Int in
            let deadline = Date().addingTimeInterval(40)
            while Date() < deadline, recorder.attempts.filter({ $0.path == "/slow" }).count < 2 { Thread.sleep(forTimeInterval: 0.05) }
            return recorder.attempts.filter { $0.path == "/slow" }.count
        }
        #expect(retried >= 2, "the hanging request was cut after 500 ms and retried")
        #expect(try notifier.queue.backlog().count == 1, "the slow receiver's notification is still queued")
        // Recovered, it gets it; stopping the recorder ends the requests still hanging.
        recorder.respond { _ in 200 }
        let slowDelivered = try await blocking {
            recorder.wait(upTo: 60) { $0.contains { $0.path == "/slow" } }.contains { $0.path == "/slow" }
        }
        #expect(slowDelivered)
        await recorder.stop()
    }
}
