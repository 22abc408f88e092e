import NIOCore
import Synchronization

/// Caps the OTLP/gRPC listener's open connections, in all and from one address, with the HTTP
/// listener's limits (`web.connection_limit`, `web.per_ip_connection_limit`): a connection
/// past either is closed as soon as it is accepted, before it is read. A per-address limit of 0
/// means none, as on the HTTP listener.
///
/// grpc-swift accepts connections without end, and each holds a file descriptor: nineteen
/// thousand idle connections to port 4317 stayed open indefinitely, within a thousand of the
/// process's descriptor limit, past which neither listener can accept and SQLite cannot open a
/// file. The per-address cap leaves room for other clients while one opens connections without
/// end, as it does on the HTTP listener.
final class GRPCConnectionLimiter: Sendable {
    private struct Open {
        var total = 0
        var perAddress: [String: Int] = [:]
    }

    private let limit: Int
    private let perAddressLimit: Int
    private let open = Mutex(Open())
    private let metrics: GRPCMetrics

    /// Why a connection was closed at once.
    struct Refused: Error {}

    init(limit: Int, perAddressLimit: Int, metrics: GRPCMetrics) {
        self.limit = limit
        self.perAddressLimit = perAddressLimit
        self.metrics = metrics
    }

    /// Admits `connection`, counted until it closes, or closes it (the future then fails, and
    /// the transport drops the connection).
    func admit(_ connection: any Channel) -> EventLoopFuture<Void> {
        let address = connection.remoteAddress?.ipAddress ?? ""
        let admitted = open.withLock { open -> Int? in
            guard open.total < limit, perAddressLimit <= 0 || open.perAddress[address, default: 0] < perAddressLimit
            else { return nil }
            open.total += 1
            open.perAddress[address, default: 0] += 1
            return open.total
        }
        guard let total = admitted else {
            metrics.recordRefusedConnection()
            connection.close(promise: nil)
            return connection.eventLoop.makeFailedFuture(Refused())
        }
        metrics.setOpenConnections(total)
        connection.closeFuture.whenComplete { _ in
            let total = self.open.withLock { open in
                open.total -= 1
                let left = open.perAddress[address, default: 1] - 1
                open.perAddress[address] = left > 0 ? left : nil
                return open.total
            }
            self.metrics.setOpenConnections(total)
        }
        return connection.eventLoop.makeSucceededVoidFuture()
    }
}
