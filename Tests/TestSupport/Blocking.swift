import Foundation

/// Runs blocking socket or process work on its own thread so it never occupies the Swift
/// concurrency pool, which the server's suspending handlers need (this machine has 2 cores).
public func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread {
            continuation.resume(with: Result { try body() })
        }.start()
    }
}
