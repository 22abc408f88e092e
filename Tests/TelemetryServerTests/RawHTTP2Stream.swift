import NIOCore
import NIOHPACK
import NIOHTTP2
import NIOPosix

/// One HTTP/2 stream whose frames are sent exactly as given: gRPC framing that no gRPC client
/// would send (a truncated message, two messages in a unary call, a compressed flag with no
/// encoding).
enum RawHTTP2Stream {
    /// What came back on the stream.
    struct Answer {
        /// Each header block, in order (a gRPC answer's headers, then its trailers).
        var headerBlocks: [HPACKHeaders] = []
        /// The `DATA` frames' bytes, together.
        var data: [UInt8] = []
        /// The code of an `RST_STREAM` the server sent, if it sent one.
        var reset: HTTP2ErrorCode?

        /// A header's value in the last block (a status is in the trailers).
        func last(_ name: String) -> String? { headerBlocks.last?.first(name: name) }
    }

    /// How the client ends its side of the stream.
    enum End {
        /// The last `DATA` frame carries `END_STREAM`.
        case lastData
        /// A trailers `HEADERS` frame after the data carries `END_STREAM`.
        case trailers
        /// `RST_STREAM` `CANCEL` after the data: the client gives up.
        case reset
    }

    /// Opens a connection to `port`, sends `headers` for a `POST` to `path` and then `data` in
    /// one frame per element, ends the stream as `end` says, and waits for the stream to end or
    /// be reset (by the server, or by the client's own reset).
    static func send(
        port: UInt16, path: String, headers extra: [(String, String)] = [], data: [[UInt8]], end: End = .lastData
    ) async throws -> Answer {
        // HTTP/2 is set up before the connection is: the server's SETTINGS come at once.
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    _ = try channel.pipeline.syncOperations.configureHTTP2Pipeline(
                        mode: .client, connectionConfiguration: .init(), streamConfiguration: .init()
                    ) { $0.eventLoop.makeSucceededVoidFuture() }
                }
            }
            .connect(host: "127.0.0.1", port: Int(port)).get()
        defer { channel.close(promise: nil) }
        let multiplexer = try await channel.eventLoop.submit {
            try channel.pipeline.syncOperations.handler(type: NIOHTTP2Handler.self).syncMultiplexer()
        }.get()
        let answered = channel.eventLoop.makePromise(of: Answer.self)
        let stream = try await multiplexer.createStreamChannel { stream in
            stream.eventLoop.makeCompletedFuture {
                try stream.pipeline.syncOperations.addHandler(Collector(answered: answered))
            }
        }.get()
        var headers: HPACKHeaders = [
            ":method": "POST", ":scheme": "http", ":path": path, ":authority": "127.0.0.1",
            "content-type": "application/grpc", "te": "trailers",
        ]
        for (name, value) in extra { headers.add(name: name, value: value) }
        stream.write(HTTP2Frame.FramePayload.headers(.init(headers: headers)), promise: nil)
        for (index, bytes) in data.enumerated() {
            let last = index == data.count - 1 && end == .lastData
            let frame = HTTP2Frame.FramePayload.Data(data: .byteBuffer(ByteBuffer(bytes: bytes)), endStream: last)
            stream.write(HTTP2Frame.FramePayload.data(frame), promise: nil)
        }
        switch end {
        case .lastData: break
        case .trailers: stream.write(HTTP2Frame.FramePayload.headers(.init(headers: ["x-done": "1"], endStream: true)), promise: nil)
        case .reset: stream.write(HTTP2Frame.FramePayload.rstStream(.cancel), promise: nil)
        }
        stream.flush()
        return try await answered.futureResult.get()
    }

    /// gRPC's framing of one message: the compressed flag, the length, the bytes.
    static func framed(_ message: [UInt8], flag: UInt8 = 0) -> [UInt8] {
        let length = UInt32(message.count)
        return [flag, UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)] + message
    }

    /// Gathers what arrives on the stream until it ends.
    private final class Collector: ChannelInboundHandler {
        typealias InboundIn = HTTP2Frame.FramePayload
        private var answer = Answer()
        private var done = false
        private let answered: EventLoopPromise<Answer>

        init(answered: EventLoopPromise<Answer>) {
            self.answered = answered
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .headers(let headers):
                answer.headerBlocks.append(headers.headers)
                if headers.endStream { finish() }
            case .data(let frame):
                if case .byteBuffer(let bytes) = frame.data { answer.data += Array(bytes.readableBytesView) }
                if frame.endStream { finish() }
            case .rstStream(let code):
                answer.reset = code
                finish()
            default:
                break
            }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            if let closed = error as? NIOHTTP2Errors.StreamClosed { answer.reset = closed.errorCode }
        }

        func channelInactive(context: ChannelHandlerContext) {
            finish()
        }

        private func finish() {
            guard !done else { return }
            done = true
            answered.succeed(answer)
        }
    }
}
