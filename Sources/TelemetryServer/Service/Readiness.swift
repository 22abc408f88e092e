import Synchronization

/// Whether the server is ready to serve traffic, shared between the service and `/-/ready`.
final class Readiness: Sendable {
    private let ready = Atomic<Bool>(false)

    var isReady: Bool { ready.load(ordering: .acquiring) }

    func set(_ value: Bool) { ready.store(value, ordering: .releasing) }
}
