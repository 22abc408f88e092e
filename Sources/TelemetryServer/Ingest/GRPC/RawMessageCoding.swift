import GRPCCore
import GRPCNIOTransportCore
import NIOCore

/// NIO's transport hands a message over in its own buffer; the receive path reads it there.
extension GRPCNIOTransportBytes: OTLPRequestBody {
    var array: [UInt8] { withUnsafeBytes { Array($0) } }
    var byteCount: Int { count }
}

/// A message gathered from a stream's frames by `OTLPExportStreamHandler`, read in place.
extension ByteBuffer: OTLPRequestBody {
    func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try withUnsafeReadableBytes(body)
    }
    var array: [UInt8] { Array(readableBytesView) }
    var byteCount: Int { readableBytes }
}

/// Passes a gRPC message's bytes through undecoded, so the OTLP receiver decodes them itself:
/// strictly first, then item by item when one invalid item would fail the whole message (the
/// same path as OTLP/HTTP). NIO's transport's bytes are kept where they are (a trace export
/// is decoded from the transport's buffer, one copy of the message fewer); another
/// transport's are copied into such a buffer.
struct RawMessageDeserializer: MessageDeserializer {
    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> GRPCNIOTransportBytes {
        if let transport = serializedMessageBytes as? GRPCNIOTransportBytes {
            return transport
        }
        return serializedMessageBytes.withUnsafeBytes { GRPCNIOTransportBytes($0) }
    }
}

/// Sends bytes that are already an encoded message.
struct RawMessageSerializer: MessageSerializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: [UInt8]) throws -> Bytes {
        Bytes(message)
    }
}
