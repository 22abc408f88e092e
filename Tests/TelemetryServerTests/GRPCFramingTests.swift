import Foundation
import GzipCodec
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import NIOHPACK
import OTLP
import SwiftProtobuf
@testable import TelemetryServer
import TestSupport
import Testing

/// The gRPC framing of an `Export` call as `OTLPExportStreamHandler` reads and writes it, over
/// a real socket with frames no gRPC client would send.
@Suite("OTLP/gRPC framing, frame by frame")
struct GRPCFramingTests {
    let path = "/opentelemetry.proto.collector.trace.v1.TraceService/Export"

    /// The `/metrics` sample counting the trace `Export` calls that ended with `code`.
    func requests(_ code: String) -> String {
        "telemetryd_grpc_requests_total{method=\"\(path.dropFirst())\",code=\"\(code)\"}"
    }

    @Test func aMessageSplitAcrossManyFramesIsAnsweredWithHeadersMessageAndTrailers() async throws {
        let service = try await startService { $0.grpcListenAddress = grpcAnyPort }
        let port = try #require(service.grpcBoundAddress).port
        let traceID = randomTraceID()
        let message = RawHTTP2Stream.framed(Array(try traceRequest(traceID: traceID).serializedData()))
        // Seven-byte frames: the 5-byte prefix itself spans two of them.
        let frames = stride(from: 0, to: message.count, by: 7).map { Array(message[$0..<min($0 + 7, message.count)]) }
        let answer = try await RawHTTP2Stream.send(port: port, path: path, data: frames)
        #expect(answer.headerBlocks.count == 2, "headers, then trailers")
        #expect(answer.headerBlocks.first?.first(name: ":status") == "200")
        #expect(answer.headerBlocks.first?.first(name: "content-type") == "application/grpc")
        #expect(answer.last("grpc-status") == "0")
        // The response message, framed: flag 0, its length, an ExportTraceServiceResponse.
        #expect(answer.data == RawHTTP2Stream.framed(Array(answer.data.dropFirst(5))))
        #expect(try TraceResponse(serializedBytes: Array(answer.data.dropFirst(5))).hasPartialSuccess == false)
        let trace = try await blocking { try RawHTTPClient(port: service.boundAddress.port).send("GET", "/api/traces/\(traceID)") }
        #expect(trace.status == 200)
        await service.stop()
    }

    @Test func framingErrorsAreInternalAndTheServerKeepsServing() async throws {
        let service = try await startService {
            $0.maxRequestBodyBytes = 64 << 10
            $0.grpcListenAddress = grpcAnyPort
        }
        let port = try #require(service.grpcBoundAddress).port
        let valid = Array(try traceRequest(traceID: randomTraceID()).serializedData())
        // The prefix promises more than the stream brings.
        let truncated = try await RawHTTP2Stream.send(port: port, path: path, data: [Array(RawHTTP2Stream.framed(valid).dropLast(3))])
        #expect(truncated.last("grpc-status") == "13")
        #expect(truncated.last("grpc-message") == "the call ended before its message was whole")
        // A unary call with two messages.
        let twice = try await RawHTTP2Stream.send(
            port: port, path: path, data: [RawHTTP2Stream.framed(valid) + RawHTTP2Stream.framed(valid)])
        #expect(twice.last("grpc-status") == "13")
        #expect(twice.last("grpc-message") == "a unary call carries one message; a second one began")
        // A compressed flag on a call that named no encoding.
        let flagged = try await RawHTTP2Stream.send(port: port, path: path, data: [RawHTTP2Stream.framed(valid, flag: 1)])
        #expect(flagged.last("grpc-status") == "13")
        #expect(flagged.last("grpc-message") == "compressed flag 1 without a grpc-encoding to match")
        // gzip named, but the bytes are not gzip.
        let notGzip = try await RawHTTP2Stream.send(
            port: port, path: path, headers: [("grpc-encoding", "gzip")], data: [RawHTTP2Stream.framed(valid, flag: 1)])
        #expect(notGzip.last("grpc-status") == "13")
        #expect(notGzip.last("grpc-message")?.hasPrefix("gzip message cannot be inflated") == true, "\(notGzip)")
        // deflate too: gzip's bytes are not zlib's (answered by the stream's own handler, which
        // names the encoding; grpc-swift's message would not).
        let gzipped = try #require(Gzip.deflate(valid))
        let notDeflate = try await RawHTTP2Stream.send(
            port: port, path: path, headers: [("grpc-encoding", "deflate")], data: [RawHTTP2Stream.framed(gzipped, flag: 1)])
        #expect(notDeflate.last("grpc-status") == "13")
        #expect(notDeflate.last("grpc-message")?.hasPrefix("deflate message cannot be inflated") == true, "\(notDeflate)")
        // A declared length over the cap is answered at once, before the rest is sent: the
        // stream stays open on the client's side, and the answer comes anyway.
        let oversize = try await RawHTTP2Stream.send(
            port: port, path: path, data: [Array(RawHTTP2Stream.framed([UInt8](repeating: 0x41, count: 1 << 20)).prefix(4096))])
        #expect(oversize.last("grpc-status") == "8")
        #expect(oversize.last("grpc-message") == "message of 1048576 bytes is over the 65536-byte limit")
        // Trailers-only answers carry the HTTP status and content type too.
        #expect(oversize.headerBlocks.count == 1)
        #expect(oversize.last(":status") == "200")
        // A client that gives up halfway: nothing is answered, the call counts as cancelled.
        let halfway = RawHTTP2Stream.framed(valid)
        let given = try await RawHTTP2Stream.send(port: port, path: path, data: [Array(halfway.prefix(halfway.count / 2))], end: .reset)
        #expect(given.headerBlocks.isEmpty)
        // And then an ordinary call is answered, also when the client ends its side with
        // trailers rather than with its last DATA frame.
        let ok = try await RawHTTP2Stream.send(port: port, path: path, data: [RawHTTP2Stream.framed(valid)])
        #expect(ok.last("grpc-status") == "0")
        let trailed = try await RawHTTP2Stream.send(port: port, path: path, data: [RawHTTP2Stream.framed(valid)], end: .trailers)
        #expect(trailed.last("grpc-status") == "0")
        // The reset is read on its own connection's loop: wait until it is counted.
        let cancelled = requests("Cancelled")
        let samples = try await blocking { try metricsOnceSettled(port: service.boundAddress.port, cancelled, at: 1) }
        #expect(samples[requests("InternalError")] == 5)
        #expect(samples[requests("ResourceExhausted")] == 1)
        #expect(samples[requests("OK")] == 2)
        #expect(samples[cancelled] == 1)
        await service.stop()
    }

    /// grpc-swift keeps a task for every stream, including the streams this handler answers; it
    /// ends when the stream's handlers are removed. One left waiting would hold its connection,
    /// and the listener's graceful stop would wait out its grace period (5 s) for it.
    @Test(.timeLimit(.minutes(1)))
    func callsAnsweredOnTheirStreamLeaveNothingOfGRPCSwiftRunning() async throws {
        let service = try await startService { $0.grpcListenAddress = grpcAnyPort }
        let port = try #require(service.grpcBoundAddress).port
        let transport = try HTTP2ClientTransport.Posix(
            target: .ipv4(address: "127.0.0.1", port: Int(port)), transportSecurity: .plaintext, config: .defaults)
        // Twenty calls at once on one connection, each answered on its stream.
        let codes = try await withGRPCClient(transport: transport) { client in
            try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<20 {
                    let body = Array(try traceRequest(traceID: randomTraceID()).serializedData())
                    group.addTask {
                        try await client.unary(
                            request: ClientRequest(message: body), descriptor: traceExport, serializer: RawBytes(),
                            deserializer: RawBytes(), options: .defaults
                        ) { (try? $0.message) != nil }
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
        }
        #expect(codes == Array(repeating: true, count: 20))
        // And one reset halfway, which ends the stream before its message is whole.
        let halfway = RawHTTP2Stream.framed(Array(try traceRequest(traceID: randomTraceID()).serializedData()))
        _ = try await RawHTTP2Stream.send(port: port, path: path, data: [Array(halfway.prefix(halfway.count / 2))], end: .reset)
        let cancelled = requests("Cancelled")
        let samples = try await blocking { try metricsOnceSettled(port: service.boundAddress.port, cancelled, at: 1) }
        #expect(samples[requests("OK")] == 20)
        let took = await ContinuousClock().measure { await service.stop() }
        #expect(took < .seconds(3), "the listener waited \(took) for streams to end")
    }

    @Test func statusMessagesArePercentEncoded() {
        #expect(OTLPExportStreamHandler.percentEncoded("write queue is full; retry later") == "write queue is full; retry later")
        #expect(OTLPExportStreamHandler.percentEncoded("100% ü\n") == "100%25 %C3%BC%0A")
    }
}
