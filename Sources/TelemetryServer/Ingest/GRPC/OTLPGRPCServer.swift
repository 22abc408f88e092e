import GRPCCore
import GRPCNIOTransportHTTP2Posix
import HTTPServer
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// The OTLP/gRPC listener (`--otlp.grpc.listen-address`, port 4317 by default): grpc-swift's
/// HTTP/2 server over plaintext TCP serving `OTLPGRPCService`. Ordinary `Export` calls
/// (uncompressed, gzip or deflate) are answered on their stream by `OTLPExportStreamHandler`,
/// without grpc-swift's per-call machinery; grpc-swift answers the rest.
///
/// Messages over the size limit (the OTLP/HTTP body cap, counted after decompression) are
/// answered `RESOURCE_EXHAUSTED`: by `OTLPExportStreamHandler` as soon as the length is read
/// (or inflating passes it), by the service for the calls grpc-swift reads. grpc-swift's
/// transport holds a hard bound at twice that: past it grpc-swift resets the stream (the
/// client sees it cancelled) before buffering or inflating more, so neither a huge message nor
/// a compression bomb it reads is ever held whole. (grpc-swift 2 resets rather than answering
/// a status for its own limit, which clients would take as retryable; the service's own check
/// gives the right status below the bound.)
///
/// The listener has event loops of its own, and its handlers run on them
/// (`EventLoopTaskExecutor`): a call does not cross threads to be handled, and a busy Swift
/// pool in the process does not delay it.
/// Request bytes in flight draw on the memory budget the HTTP listener uses
/// (`StreamBodyBudgetHandler`), so the two listeners together hold at most that much; open
/// connections are capped with the HTTP listener's limits (`GRPCConnectionLimiter`), and one on
/// which nothing arrives for a while is closed (`QuietConnectionCloser`, `idleTimeout`).
final class OTLPGRPCServer: Sendable {
    private let server: GRPCServer<HTTP2ServerTransport.Posix>
    private let transport: HTTP2ServerTransport.Posix
    private let serving = Mutex<Task<Void, Never>?>(nil)
    private let logger: Logger
    /// The listener's own event loops, which also run its handlers (`EventLoopTaskExecutor`).
    private let eventLoops: MultiThreadedEventLoopGroup
    private let executor: EventLoopTaskExecutor
    /// Calls in flight per connection: with the per-message bound, what one client can make the
    /// server hold at once.
    static let maxConcurrentStreams = 64
    /// The listener's event loops, one per core: each reads its connections and runs their
    /// calls' handlers (`EventLoopTaskExecutor`).
    static var eventLoopCount: Int { System.coreCount }
    /// Large enough for a whole export: with HTTP/2's default 64 KiB a 200 KB export waited for
    /// several window updates, each a wake-up.
    static let targetWindowSize = 8 << 20
    static let maxFrameSize = 1 << 20

    /// What one client may hold of the listener besides request bytes (those draw on the
    /// service's `bodyBudget`): connections, and time without traffic.
    struct Limits {
        var connections: GRPCConnectionLimiter
        var idleTimeout: Duration
    }

    /// How long a connection may stay quiet: five times the HTTP listener's idle timeout (five
    /// minutes by default), so that a client exporting every minute (OpenTelemetry's default
    /// metric interval) keeps its connection rather than racing its close; at least a second.
    static func idleTimeout(httpIdleTimeout: PrometheusDuration) -> Duration {
        .milliseconds(max(1_000, 5 * httpIdleTimeout.milliseconds))
    }

    init(address: ListenAddress, service: OTLPGRPCService, limits: Limits, logger: Logger) {
        let methods = Dictionary(uniqueKeysWithValues: service.exportMethods.map { ($0.path, $0) })
        let connections = limits.connections
        let maxMessageBytes = service.maxMessageBytes
        let socket: GRPCNIOTransportCore.SocketAddress =
            address.isIPv6 ? .ipv6(host: address.host, port: Int(address.port)) : .ipv4(host: address.host, port: Int(address.port))
        let eventLoops = MultiThreadedEventLoopGroup(numberOfThreads: Self.eventLoopCount)
        self.eventLoops = eventLoops
        executor = EventLoopTaskExecutor(group: eventLoops)
        transport = HTTP2ServerTransport.Posix(
            address: socket, transportSecurity: .plaintext,
            config: .defaults { config in
                config.rpc.maxRequestPayloadSize = maxMessageBytes > Int.max / 2 ? Int.max : maxMessageBytes * 2
                config.compression.enabledAlgorithms = [.gzip, .deflate]
                config.http2.maxConcurrentStreams = Self.maxConcurrentStreams
                config.http2.targetWindowSize = Self.targetWindowSize
                config.http2.maxFrameSize = Self.maxFrameSize
                config.connection.flushCoalescing = nil
                // Named for debugging, but they are the transport's one hook into each
                // connection and each stream's pipeline: where connections can be counted, and
                // bytes before gRPC buffers them.
                config.channelDebuggingCallbacks.onAcceptTCPConnection = { connection in
                    connections.admit(connection).flatMap {
                        Self.onLoop(of: connection) {
                            try connection.pipeline.syncOperations.addHandlers(
                                QuietConnectionCloser.handlers(closingAfter: limits.idleTimeout), position: .first)
                        }
                    }
                }
                config.channelDebuggingCallbacks.onAcceptHTTP2Stream = { stream in
                    Self.addHandlers(to: stream, service: service, methods: methods)
                }
            }, eventLoopGroup: eventLoops)
        server = GRPCServer(transport: transport, services: [service])
        self.logger = logger
    }

    /// Puts a `StreamBodyBudgetHandler` first in a new stream's pipeline, and after it an
    /// `OTLPExportStreamHandler`, both before gRPC's handler.
    private static func addHandlers(
        to stream: any Channel, service: OTLPGRPCService, methods: [String: OTLPExportMethod]
    ) -> EventLoopFuture<Void> {
        onLoop(of: stream) {
            let budget = StreamBodyBudgetHandler(budget: service.bodyBudget) { service.metrics.recordRefusedStream() }
            let export = OTLPExportStreamHandler(service: service, methods: methods)
            try stream.pipeline.syncOperations.addHandlers([budget, export], position: .first)
        }
    }

    /// Runs `work` on `channel`'s event loop: at once when called there, as the transport calls
    /// its callbacks (before the channel's first read), else as a task on it.
    private static func onLoop(of channel: any Channel, _ work: @escaping @Sendable () throws -> Void) -> EventLoopFuture<Void> {
        if channel.eventLoop.inEventLoop {
            return channel.eventLoop.makeCompletedFuture(withResultOf: work)
        }
        return channel.eventLoop.submit(work)
    }

    /// Binds and starts serving; returns the address bound (its real port when 0 was asked).
    ///
    /// - Throws: a message naming the address when it cannot be bound.
    func start() async throws(TelemetryService.StartupError) -> ListenAddress {
        let server = server
        let logger = logger
        let task = Task(executorPreference: executor) {
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
            await task.value
            try? await eventLoops.shutdownGracefully()
            throw TelemetryService.StartupError(description: "cannot listen for OTLP/gRPC: \(error)")
        }
    }

    /// Stops accepting calls, lets calls in flight finish, and waits for the listener to close.
    ///
    /// Calls in flight get up to `gracePeriod` (the HTTP listener's grace period); then the
    /// listener is cancelled, closing connections whose clients did not go when asked (a
    /// graceful shutdown otherwise waits for every connection, and one that never answers
    /// `GOAWAY` would hold the process).
    func stop(gracePeriod: Duration = .seconds(5)) async {
        server.beginGracefulShutdown()
        let task = serving.withLock { $0 }
        let deadline = Task {
            try? await Task.sleep(for: gracePeriod)
            task?.cancel()
        }
        await task?.value
        deadline.cancel()
        try? await eventLoops.shutdownGracefully()
    }
}
