import Foundation
import GRPCCore
import HTTPServer
import NIOCore
import NIOHPACK
import NIOHTTP2

/// Answers an OTLP `Export` call on its HTTP/2 stream itself: gathers the request message from
/// the stream's `DATA` frames, hands it to the receive path (`OTLPGRPCService.answer`) from a
/// task on the stream's event loop, and writes the response headers, message and status
/// trailers. None of grpc-swift's per-call machinery runs for such a call (its stream handler,
/// async sequences, server executor and response writer), which cost a call more than
/// decoding a small export does (docs/otlp-ingest.md).
///
/// It takes a call only when its headers are an ordinary OTLP export: `POST` to one of the
/// three `Export` paths, `content-type` `application/grpc` or `application/grpc+proto`, a
/// message uncompressed, or compressed with gzip, deflate or zstd (`grpc-encoding`,
/// `ContentCoding`). Every other call (another method, another compression, headers
/// that end the stream) is passed on untouched to grpc-swift, which answers it as before. The `grpc-timeout` deadline is left to the client:
/// an export is answered as soon as it is stored, and a client that gives up resets the stream.
///
/// The wire rules it keeps (gRPC over HTTP/2): a message is a 1-byte compressed flag and a
/// 4-byte big-endian length before its bytes; a unary call carries exactly one. A message
/// declared over the size limit is answered `RESOURCE_EXHAUSTED` as soon as its length is
/// read, and the rest of the stream is refused (`RST_STREAM` `NO_ERROR`) rather than buffered;
/// a compressed one is inflated no further than the limit. Framing errors (a truncated
/// message, a second message, a compressed flag without `grpc-encoding`) are `INTERNAL`.
///
/// It sits in each stream's pipeline after `StreamBodyBudgetHandler`, before gRPC's handler.
final class OTLPExportStreamHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTP2Frame.FramePayload
    typealias InboundOut = HTTP2Frame.FramePayload
    typealias OutboundOut = HTTP2Frame.FramePayload

    private enum State {
        /// Nothing has arrived on the stream yet.
        case awaitingHeaders
        /// The call is grpc-swift's: frames go on to its handler.
        case passingOn
        /// The call is ours and its message is arriving.
        case receiving(OTLPExportMethod, compression: ContentCoding?)
        /// The call has been answered, or is being: what else arrives is dropped.
        case answered
    }

    private let service: OTLPGRPCService
    /// The `Export` methods by `:path`.
    private let methods: [String: OTLPExportMethod]
    private var state = State.awaitingHeaders
    /// The message's bytes so far, with their 5-byte prefix.
    private var message = ByteBuffer()
    /// How the stream was closed, when HTTP/2 said so (a reset while the message arrived).
    private var closing: NIOHTTP2Errors.StreamClosed?
    /// Whether the stream's pipeline is gone (closed while its export was handled).
    private var removed = false

    init(service: OTLPGRPCService, methods: [String: OTLPExportMethod]) {
        self.service = service
        self.methods = methods
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch state {
        case .passingOn:
            context.fireChannelRead(data)
        case .answered:
            return
        case .awaitingHeaders:
            guard case .headers(let headers) = unwrapInboundIn(data), !headers.endStream,
                let (method, compression) = route(headers.headers)
            else {
                state = .passingOn
                context.fireChannelRead(data)
                return
            }
            state = .receiving(method, compression: compression)
        case .receiving(let method, let compression):
            switch unwrapInboundIn(data) {
            case .data(let frame):
                if case .byteBuffer(var bytes) = frame.data {
                    append(&bytes)
                }
                if let early = earlyFailure() {
                    fail(early, method: method, clientDone: frame.endStream, context: context)
                } else if frame.endStream {
                    finish(method, compression: compression, context: context)
                }
            case .headers(let trailers) where trailers.endStream:
                finish(method, compression: compression, context: context)
            default:
                return
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let closed = error as? NIOHTTP2Errors.StreamClosed { closing = closed }
        context.fireErrorCaught(error)
    }

    /// The close of a call of ours ends here. Passed on, it would reach grpc-swift's stream
    /// handler as a call that ended before its headers, which it reports by raising an error
    /// through its async channel to the task it keeps for the stream: a tenth of what a one-span
    /// call costs the event loop. The stream's handlers are removed next (HTTP/2 does it right
    /// after the close), which ends that task quietly: grpc-swift's handler fails its pending
    /// method lookup, and the async channel's sequences finish.
    func channelInactive(context: ChannelHandlerContext) {
        switch state {
        case .awaitingHeaders, .passingOn:
            context.fireChannelInactive()
        case .receiving(let method, _):
            // The stream closed before its message was whole: a client that gave up, or a
            // stream refused for want of memory (`StreamBodyBudgetHandler`, which the client
            // sees as UNAVAILABLE).
            state = .answered
            service.metrics.record(method.descriptor, code: closing.map(OTLPGRPCService.code(forUnreadRequest:)) ?? .cancelled)
        case .answered:
            break
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        removed = true
    }

    /// The method and how its message is compressed (nil: not), when `headers` open a call
    /// this handler answers.
    private func route(_ headers: HPACKHeaders) -> (OTLPExportMethod, compression: ContentCoding?)? {
        guard headers.first(name: ":method") == "POST", let path = headers.first(name: ":path"), let method = methods[path],
            let contentType = headers.first(name: "content-type"),
            contentType == "application/grpc" || contentType == "application/grpc+proto"
        else { return nil }
        switch headers.first(name: "grpc-encoding") {
        case nil, "identity": return (method, nil)
        case let name?:
            guard let encoding = ContentCoding(rawValue: name) else { return nil }
            return (method, encoding)
        }
    }

    /// The 5-byte prefix's flag and length, once they have arrived.
    private var prefix: (compressed: UInt8, length: Int)? {
        guard let flag = message.getInteger(at: message.readerIndex, as: UInt8.self),
            let length = message.getInteger(at: message.readerIndex + 1, as: UInt32.self)
        else { return nil }
        return (flag, Int(length))
    }

    /// Adds a frame's bytes to the message. The first frame's buffer is kept as it is (a
    /// message that came in one frame is read where NIO put it); once the length is known, and
    /// within the limit, room for the whole message is made at once.
    private func append(_ bytes: inout ByteBuffer) {
        guard message.readableBytes > 0 else {
            message = bytes
            return
        }
        if let (_, length) = prefix, length <= service.maxMessageBytes {
            message.reserveCapacity(minimumWritableBytes: max(0, 5 + length - message.readableBytes))
        }
        message.writeBuffer(&bytes)
    }

    /// A failure known before the message is whole: a declared length over the limit, or bytes
    /// past the one message a unary call has.
    private func earlyFailure() -> RPCError? {
        guard let (_, length) = prefix else { return nil }
        if length > service.maxMessageBytes {
            return OTLPGRPCService.overLimit(bytes: length, limit: service.maxMessageBytes)
        }
        if message.readableBytes > 5 + length {
            return RPCError(code: .internalError, message: "a unary call carries one message; a second one began")
        }
        return nil
    }

    /// The client has sent everything: checks the framing, inflates the message when it is
    /// compressed, and answers it from a task on this stream's event loop.
    private func finish(_ method: OTLPExportMethod, compression: ContentCoding?, context: ChannelHandlerContext) {
        guard let (flag, length) = prefix, message.readableBytes == 5 + length else {
            fail(RPCError(code: .internalError, message: "the call ended before its message was whole"),
                 method: method, clientDone: true, context: context)
            return
        }
        message.moveReaderIndex(forwardBy: 5)
        let body: any OTLPRequestBody
        var inflatedBytes = 0
        switch (flag, compression) {
        case (0, _):
            body = message
        case (1, .some(let coding)):
            do throws(ContentCoding.DecodeError) {
                let inflated = try coding.decode(Array(message.readableBytesView), limit: service.maxMessageBytes)
                inflatedBytes = inflated.count
                body = inflated
            } catch {
                switch error {
                case .tooLarge(let limit):
                    fail(RPCError(code: .resourceExhausted, message: "message inflates past the \(limit)-byte limit"),
                         method: method, clientDone: true, context: context)
                case .corrupt(let reason):
                    fail(RPCError(code: .internalError, message: "\(coding.rawValue) message cannot be inflated: \(reason)"),
                         method: method, clientDone: true, context: context)
                }
                return
            }
        default:
            fail(RPCError(code: .internalError, message: "compressed flag \(flag) without a grpc-encoding to match"),
                 method: method, clientDone: true, context: context)
            return
        }
        state = .answered
        message = ByteBuffer()
        let answering = service
        let loop = context.eventLoop
        let handler = NIOLoopBound((self, context), eventLoop: loop)
        Task(executorPreference: EventLoopTaskExecutor(loop: loop)) {
            let result = await answering.answer(body, method: method, inflatedBytes: inflatedBytes)
            if loop.inEventLoop {
                handler.value.0.respond(result, context: handler.value.1)
            } else {
                loop.execute { handler.value.0.respond(result, context: handler.value.1) }
            }
        }
    }

    /// Ends the call with `error` before its message reached the receive path; when the client
    /// is still sending, the rest of its stream is refused.
    private func fail(_ error: RPCError, method: OTLPExportMethod, clientDone: Bool, context: ChannelHandlerContext) {
        state = .answered
        message = ByteBuffer()
        service.metrics.record(method.descriptor, code: error.code)
        context.write(wrapOutboundOut(.headers(.init(headers: Self.trailersOnly(error), endStream: true))), promise: nil)
        if !clientDone {
            context.write(wrapOutboundOut(.rstStream(.noError)), promise: nil)
        }
        context.flush()
    }

    /// Writes the answer: headers, the response message and `OK` trailers, or the failure's
    /// status alone.
    private func respond(_ result: Result<[UInt8], RPCError>, context: ChannelHandlerContext) {
        guard !removed else { return }
        switch result {
        case .success(let response):
            context.write(wrapOutboundOut(.headers(.init(headers: Self.responseHeaders))), promise: nil)
            var framed = context.channel.allocator.buffer(capacity: 5 + response.count)
            framed.writeInteger(UInt8(0))
            framed.writeInteger(UInt32(response.count))
            framed.writeBytes(response)
            context.write(wrapOutboundOut(.data(.init(data: .byteBuffer(framed)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.headers(.init(headers: Self.okTrailers, endStream: true))), promise: nil)
        case .failure(let error):
            context.writeAndFlush(wrapOutboundOut(.headers(.init(headers: Self.trailersOnly(error), endStream: true))), promise: nil)
        }
    }

    private static let responseHeaders: HPACKHeaders = [
        ":status": "200", "content-type": "application/grpc", "grpc-accept-encoding": (["identity"] + ContentCoding.allCases.map(\.rawValue).sorted()).joined(separator: ","),
    ]
    private static let okTrailers: HPACKHeaders = ["grpc-status": "0"]

    /// A response that is only its status (gRPC's "Trailers-Only"): the HTTP headers, the code,
    /// the message percent-encoded, and the error's metadata (binary values, such as the
    /// `google.rpc.Status` with `RetryInfo`, in base64 under their `-bin` keys).
    static func trailersOnly(_ error: RPCError) -> HPACKHeaders {
        var headers = responseHeaders
        headers.add(name: "grpc-status", value: String(Status.Code(error.code).rawValue))
        if !error.message.isEmpty {
            headers.add(name: "grpc-message", value: percentEncoded(error.message))
        }
        for (key, value) in error.metadata {
            switch value {
            case .string(let text): headers.add(name: key, value: text)
            case .binary(let bytes): headers.add(name: key, value: Data(bytes).base64EncodedString())
            }
        }
        return headers
    }

    /// `grpc-message`'s encoding: printable ASCII other than `%` as it is, every other byte of
    /// the UTF-8 as `%XX`.
    static func percentEncoded(_ text: String) -> String {
        var encoded = ""
        for byte in text.utf8 {
            if byte >= 0x20, byte <= 0x7E, byte != UInt8(ascii: "%") {
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                encoded += String(format: "%%%02X", byte)
            }
        }
        return encoded
    }
}
