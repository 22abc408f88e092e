import NIOCore

/// Closes an OTLP/gRPC connection on which nothing has arrived for a while
/// (`OTLPGRPCServer.idleTimeout`), as libmicrohttpd closes a quiet HTTP connection. It
/// follows an `IdleStateHandler` at the front of the connection's pipeline and acts on its
/// read-idle event.
///
/// grpc-swift's own idle limit (`maxIdleTime`, with `maxGraceTime`) left a connection open
/// indefinitely when the client sent nothing, or only HTTP/2's preface and settings, so idle
/// connections piled up to the descriptor limit. A client that exports now and then simply
/// connects again; HTTP/2 keepalive pings count as traffic.
final class QuietConnectionCloser: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    /// The two handlers to put first in a new connection's pipeline.
    static func handlers(closingAfter timeout: Duration) -> [any ChannelHandler] {
        [IdleStateHandler(readTimeout: TimeAmount(timeout)), QuietConnectionCloser()]
    }
}
