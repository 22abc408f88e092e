import GRPCCore
import GRPCNIOTransportHTTP2Posix
import HTTPServer
import Logging
import Synchronization

/// The OTLP/gRPC listener (`--otlp.grpc.listen-address`, port 4317 by default): grpc-swift's
/// HTTP/2 server over plaintext TCP serving `OTLPGRPCService`.
///
/// Messages over `maxMessageBytes` (the OTLP/HTTP body cap) are refused with
/// `RESOURCE_EXHAUSTED` before they are buffered whole; gzip and deflate request messages are
/// inflated by the transport within the same cap, so a compression bomb is refused too. Handlers
/// run on the HTTP server's `HandlerExecutor`, so a busy Swift pool in the process does not
/// delay them.
final class OTLPGRPCServer: Sendable {
    private let server: GRPCServer<HTTP2ServerTransport.Posix>
    private let transport: HTTP2ServerTransport.Posix
    private let serving = Mutex<Task<Void, Never>?>(nil)
    private let logger: Logger

    init(address: ListenAddress, maxMessageBytes: Int, service: OTLPGRPCService, logger: Logger) {
        let socket: GRPCNIOTransportCore.SocketAddress =
            address.isIPv6 ? .ipv6(host: address.host, port: Int(address.port)) : .ipv4(host: address.host, port: Int(address.port))
        transport = HTTP2ServerTransport.Posix(
            address: socket, transportSecurity: .plaintext,
            config: .defaults { config in
                config.rpc.maxRequestPayloadSize = maxMessageBytes
                config.compression.enabledAlgorithms = [.gzip, .deflate]
            })
        server = GRPCServer(transport: transport, services: [service])
        self.logger = logger
    }

    /// Binds and starts serving; returns the address bound (its real port when 0 was asked).
    ///
    /// - Throws: a message naming the address when it cannot be bound.
    func start() async throws(TelemetryService.StartupError) -> ListenAddress {
        let server = server
        let logger = logger
        let task = Task(executorPreference: HandlerExecutor.shared) {
            do {
                try await server.serve()
            } catch {
                logger.error("OTLP/gRPC listener stopped", metadata: ["error": "\(error)"])
            }
        }
        serving.withLock { $0 = task }
        do {
            let bound = try await transport.listeningAddress
            if let ipv4 = bound.ipv4 {
                return ListenAddress(host: ipv4.host, port: UInt16(ipv4.port))
            } else if let ipv6 = bound.ipv6 {
                return ListenAddress(host: ipv6.host, port: UInt16(ipv6.port), isIPv6: true)
            }
            return ListenAddress(host: "\(bound)", port: 0)
        } catch {
            task.cancel()
            throw TelemetryService.StartupError(description: "cannot listen for OTLP/gRPC: \(error)")
        }
    }

    /// Stops accepting calls, lets calls in flight finish, and waits for the listener to close.
    func stop() async {
        server.beginGracefulShutdown()
        let task = serving.withLock { $0 }
        await task?.value
    }
}
