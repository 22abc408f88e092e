import GRPCCore
import GRPCNIOTransportHTTP2Posix
import HTTPServer
import OTLPGRPC
import Testing

/// Bytes sent and received as they are, so a test can send what no generated client would.
struct RawBytes: MessageSerializer, MessageDeserializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: [UInt8]) throws -> Bytes { Bytes(message) }
    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> [UInt8] {
        serializedMessageBytes.withUnsafeBytes { Array($0) }
    }
}

let grpcAnyPort = ListenAddress(host: "127.0.0.1", port: 0)

let traceExport = Opentelemetry_Proto_Collector_Trace_V1_TraceService.Method.Export.descriptor

/// One unary call to telemetryd's gRPC port: the response bytes or the status error.
func call(
    port: UInt16, _ body: [UInt8], method: MethodDescriptor = traceExport, compression: CompressionAlgorithm = .none
) async throws -> Result<[UInt8], RPCError> {
    let transport = try HTTP2ClientTransport.Posix(
        target: .ipv4(address: "127.0.0.1", port: Int(port)), transportSecurity: .plaintext,
        config: .defaults { $0.compression.enabledAlgorithms = [.gzip, .deflate] })
    return try await withGRPCClient(transport: transport) { client in
        var options = CallOptions.defaults
        options.timeout = .seconds(30)
        options.compression = compression
        do {
            let answer = try await client.unary(
                request: ClientRequest(message: body), descriptor: method, serializer: RawBytes(), deserializer: RawBytes(),
                options: options
            ) { try $0.message }
            return .success(answer)
        } catch let error as RPCError {
            return .failure(error)
        }
    }
}

func expectFailure(_ result: Result<[UInt8], RPCError>, _ code: RPCError.Code) throws -> RPCError {
    guard case .failure(let error) = result else {
        Issue.record("expected \(code), got a response")
        throw RPCError(code: .unknown, message: "unexpected success")
    }
    #expect(error.code == code, "\(error)")
    return error
}
