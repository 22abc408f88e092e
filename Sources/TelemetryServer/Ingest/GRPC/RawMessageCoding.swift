import GRPCCore
import GRPCNIOTransportCore

/// A gRPC message's bytes as the transport delivered them: left in its buffer (NIO's
/// transport), or copied into an array (any other transport).
struct GRPCMessageBytes: OTLPRequestBody {
    private enum Storage {
        case transport(GRPCNIOTransportBytes)
        case array([UInt8])
    }

    private let storage: Storage

    init(_ bytes: GRPCNIOTransportBytes) {
        storage = .transport(bytes)
    }

    init(_ bytes: [UInt8]) {
        storage = .array(bytes)
    }

    /// The message's size in bytes.
    var count: Int {
        switch storage {
        case .transport(let bytes): bytes.count
        case .array(let bytes): bytes.count
        }
    }

    func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        switch storage {
        case .transport(let bytes): try bytes.withUnsafeBytes(body)
        case .array(let bytes): try bytes.withUnsafeBytes(body)
        }
    }

    var array: [UInt8] {
        switch storage {
        case .transport(let bytes): bytes.withUnsafeBytes { Array($0) }
        case .array(let bytes): bytes
        }
    }
}

/// Passes a gRPC message's bytes through undecoded, so the OTLP receiver decodes them itself:
/// strictly first, then item by item when one invalid item would fail the whole message (the
/// same path as OTLP/HTTP). NIO's transport's bytes are kept where they are (a trace export
/// is decoded from the transport's buffer, one copy of the message fewer).
struct RawMessageDeserializer: MessageDeserializer {
    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> GRPCMessageBytes {
        if let transport = serializedMessageBytes as? GRPCNIOTransportBytes {
            return GRPCMessageBytes(transport)
        }
        return GRPCMessageBytes(serializedMessageBytes.withUnsafeBytes { Array($0) })
    }
}

/// Sends bytes that are already an encoded message.
struct RawMessageSerializer: MessageSerializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: [UInt8]) throws -> Bytes {
        Bytes(message)
    }
}
