import HTTPServer
import NIOCore
import NIOHTTP2

/// Counts the bytes of one OTLP/gRPC call's request against the memory budget for bodies in
/// flight (`web.max_inflight_body_size`, shared with the HTTP listener) as they arrive, and
/// holds them until the call's stream closes. A stream whose next bytes do not fit is reset
/// with `REFUSED_STREAM`, which gRPC clients report as `UNAVAILABLE` and may retry: the
/// server has processed nothing of it, and the bytes it held go back to the budget at once.
///
/// grpc-swift buffers a call's whole message before any handler sees it, so without this the
/// listener's memory was bounded only per message: four connections of 64 streams, each
/// sending a 19 MiB message, held 5 GiB.
///
/// It sits first in each HTTP/2 stream's pipeline (installed through the transport's
/// per-stream callback, `OTLPGRPCServer`), so it sees the stream's frames before gRPC's own
/// handler does.
final class StreamBodyBudgetHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTP2Frame.FramePayload
    typealias InboundOut = HTTP2Frame.FramePayload
    typealias OutboundOut = HTTP2Frame.FramePayload

    private let budget: BodyBudget
    private let onRefused: @Sendable () -> Void
    /// Bytes this stream has taken from the budget.
    private var held = 0
    private var refused = false

    init(budget: BodyBudget, onRefused: @escaping @Sendable () -> Void) {
        self.budget = budget
        self.onRefused = onRefused
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !refused else { return }
        if case .data(let frame) = unwrapInboundIn(data) {
            let bytes = frame.data.readableBytes
            guard budget.reserve(bytes) else {
                // Its bytes go back now, not when the stream's handlers are removed a few turns
                // of the loop later: meanwhile other streams' frames would be judged against
                // bytes that are being dropped, and refused too (measured: three concurrent
                // calls, one of which fitted, all refused).
                budget.release(held)
                held = 0
                refused = true
                onRefused()
                context.writeAndFlush(wrapOutboundOut(.rstStream(.refusedStream)), promise: nil)
                context.close(promise: nil)
                return
            }
            held += bytes
        }
        context.fireChannelRead(data)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        budget.release(held)
        held = 0
    }
}
