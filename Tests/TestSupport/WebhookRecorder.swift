import Foundation
import HTTPServer
import Logging
import Synchronization

/// A webhook receiver for tests: records every POST (path, body) and answers with the status
/// the test scripts (`respond`), 200 by default. A status of 0 hangs for `hang` (or until the
/// recorder stops) before 200.
public final class WebhookRecorder: Sendable {
    /// One request received.
    public struct Delivery: Sendable {
        public let path: String
        public let body: [UInt8]
        public let at: Date

        /// The body as a JSON object or array.
        public var json: Any? { try? JSONSerialization.jsonObject(with: Data(body)) }
    }

    private struct Script: Sendable {
        let status: @Sendable (String) -> Int
    }

    private final class Store: Sendable {
        let received = Mutex<[Delivery]>([])
        let attempts = Mutex<[(path: String, status: Int, at: Date)]>([])
        /// In a struct: a `Mutex` over a bare closure re-wraps it at every access (one call
        /// deeper each time).
        let script = Mutex(Script { _ in 200 })
        let stopping = Atomic<Bool>(false)
    }

    private let server: HTTPServer
    private let store = Store()

    /// Listens on `port` (0: any free port).
    public init(port: UInt16 = 0, hang: Duration = .seconds(30)) throws {
        var router = Router()
        let store = store
        router.add(Route("POST", "/*", handler: .suspending { request in
            let status = store.script.withLock { $0 }.status(request.path)
            store.attempts.withLock { $0.append((request.path, status, Date())) }
            if status == 0 {
                let until = ContinuousClock.now + hang
                while ContinuousClock.now < until, !store.stopping.load(ordering: .relaxed) {
                    try? await Task.sleep(for: .milliseconds(20))
                }
                return .text("")
            }
            if (200..<300).contains(status) {
                store.received.withLock { $0.append(Delivery(path: request.path, body: request.body, at: Date())) }
            }
            var response = HTTPResponse.text(status < 300 ? "" : "unavailable", status: status)
            if status == 503 { response.headers.set("Retry-After", "1") }
            return response
        }))
        server = HTTPServer(
            configuration: HTTPServerConfiguration(address: ListenAddress(host: "127.0.0.1", port: port)), router: router,
            logger: Logger(label: "webhook-recorder"))
        try server.start()
    }

    public var port: UInt16 { server.boundAddress.port }

    /// Sets the status answered to each path (accepted deliveries are recorded).
    public func respond(_ status: @escaping @Sendable (String) -> Int) {
        store.script.withLock { $0 = Script(status: status) }
    }

    /// Every request, accepted or not: path, the status answered (0: hung), when.
    public var attempts: [(path: String, status: Int, at: Date)] { store.attempts.withLock { $0 } }

    /// Everything accepted so far, in arrival order.
    public var deliveries: [Delivery] { store.received.withLock { $0 } }

    /// Waits (polling, off the Swift pool's threads) until `condition` holds on the deliveries.
    public func wait(upTo seconds: Double = 20, until condition: ([Delivery]) -> Bool) -> [Delivery] {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let current = deliveries
            if condition(current) { return current }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return deliveries
    }

    /// Ends the hung requests, then stops listening.
    public func stop() async {
        store.stopping.store(true, ordering: .relaxed)
        await server.stop()
    }
}
