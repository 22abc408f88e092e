import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Enforces a deadline for receiving a request's headers, which libmicrohttpd 0.9.75 lacks:
/// its idle timeout restarts on every byte, so a client sending one header line every few
/// seconds (slowloris) holds a connection forever.
///
/// A connection's clock starts when it is accepted, and again when the request line of a
/// later keep-alive request arrives; it stops when the headers are complete. A connection
/// past its deadline has its socket shut down: libmicrohttpd then sees the end of the stream
/// and closes the connection itself, on its own thread. The table is guarded by one lock that
/// the close notification also takes, so a socket is never shut down after libmicrohttpd has
/// closed it (and its number may belong to someone else).
final class ConnectionTracker: Sendable {
    private struct Tracked {
        let socket: Int32
        var deadline: UInt64?
    }

    private let timeoutNanoseconds: UInt64
    private let connections = Mutex<[UInt: Tracked]>([:])
    private let expiredCount = Atomic<Int>(0)

    init(headerTimeoutSeconds: Double) {
        timeoutNanoseconds = UInt64(max(0.001, headerTimeoutSeconds) * 1e9)
    }

    /// Connections whose headers did not arrive in time.
    var expired: Int { expiredCount.load(ordering: .relaxed) }

    private static func key(_ connection: OpaquePointer) -> UInt { UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(connection))) }

    func opened(_ connection: OpaquePointer, socket: Int32) {
        let deadline = MonotonicClock.nanoseconds() + timeoutNanoseconds
        connections.withLock { $0[Self.key(connection)] = Tracked(socket: socket, deadline: deadline) }
    }

    /// A request line arrived: its headers must follow within the timeout.
    func requestStarted(_ connection: OpaquePointer) {
        let deadline = MonotonicClock.nanoseconds() + timeoutNanoseconds
        connections.withLock { table in
            let key = Self.key(connection)
            if table[key]?.deadline == nil { table[key]?.deadline = deadline }
        }
    }

    /// The headers are complete; the body and the handler are not bound by this deadline.
    func headersComplete(_ connection: OpaquePointer) {
        connections.withLock { $0[Self.key(connection)]?.deadline = nil }
    }

    func closed(_ connection: OpaquePointer) {
        _ = connections.withLock { $0.removeValue(forKey: Self.key(connection)) }
    }

    /// Shuts down the sockets of connections past their deadline; returns how many.
    @discardableResult
    func shutDownExpired(now: UInt64 = MonotonicClock.nanoseconds()) -> Int {
        let count = connections.withLock { table in
            var count = 0
            for (key, tracked) in table {
                guard let deadline = tracked.deadline, deadline <= now else { continue }
                _ = shutdown(tracked.socket, Int32(SHUT_RDWR))
                table[key]?.deadline = nil
                count += 1
            }
            return count
        }
        if count > 0 { expiredCount.add(count, ordering: .relaxed) }
        return count
    }
}
