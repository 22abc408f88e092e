import GRPCCore

/// Passes a gRPC message's bytes through undecoded, so the OTLP receiver decodes them itself:
/// strictly first, then item by item when one invalid item would fail the whole message (the
/// same path as OTLP/HTTP).
struct RawMessageDeserializer: MessageDeserializer {
    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> [UInt8] {
        serializedMessageBytes.withUnsafeBytes { Array($0) }
    }
}

/// Sends bytes that are already an encoded message.
struct RawMessageSerializer: MessageSerializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: [UInt8]) throws -> Bytes {
        Bytes(message)
    }
}
