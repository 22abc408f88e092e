import GRPCCore
import GRPCNIOTransportHTTP2Posix
import HTTPServer
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// The OTLP/gRPC listener (`--otlp.grpc.listen-address`, port 4317 by default): grpc-swift's
/// HTTP/2 server over plaintext TCP serving `OTLPGRPCService`.
///
/// Messages over the size limit (the OTLP/HTTP body cap, counted after decompression) are
/// answered `RESOURCE_EXHAUSTED` by the service. The transport holds a hard bound at twice
/// that: past it grpc-swift resets the stream (the client sees it cancelled) before buffering
/// or inflating more, so neither a huge message nor a gzip bomb is ever held whole. (grpc-swift
/// 2 resets rather than answering a status for its own limit, which clients would take as
/// retryable; the service's own check gives the right status below the bound.) The listener has
/// event loops of its own, and its handlers run on them (`EventLoopTaskExecutor`): a call does
/// not cross threads to be handled, and a busy Swift pool in the process does not delay it.
/// Request bytes in flight draw on the memory budget the HTTP listener uses
/// (`StreamBodyBudgetHandler`), so the two listeners together hold at most that much.
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

    init(address: ListenAddress, service: OTLPGRPCService, bodyBudget: BodyBudget, logger: Logger) {
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
                // Named for debugging, but it is the transport's one hook into each stream's
                // pipeline, where bytes can be counted before gRPC buffers them.
                config.channelDebuggingCallbacks.onAcceptHTTP2Stream = { stream in
                    Self.countBodyBytes(of: stream, against: bodyBudget, metrics: service.metrics)
                }
            }, eventLoopGroup: eventLoops)
        server = GRPCServer(transport: transport, services: [service])
        self.logger = logger
    }

    /// Puts a `StreamBodyBudgetHandler` first in a new stream's pipeline.
    private static func countBodyBytes(
        of stream: any Channel, against budget: BodyBudget, metrics: GRPCMetrics
    ) -> EventLoopFuture<Void> {
        let install: @Sendable () throws -> Void = {
            let handler = StreamBodyBudgetHandler(budget: budget) { metrics.recordRefusedStream() }
            try stream.pipeline.syncOperations.addHandler(handler, position: .first)
        }
        // The transport calls this on the stream's event loop, before the stream's first frame.
        if stream.eventLoop.inEventLoop {
            return stream.eventLoop.makeCompletedFuture(withResultOf: install)
        }
        return stream.eventLoop.submit(install)
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
    func stop() async {
        server.beginGracefulShutdown()
        let task = serving.withLock { $0 }
        await task?.value
        try? await eventLoops.shutdownGracefully()
    }
}
