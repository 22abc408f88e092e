import Foundation
import OTLP
import SwiftProtobuf

/// Encodes requests and decodes responses in the configured OTLP/HTTP encoding.
enum OTLPBody {
    static func encode(
        _ message: some SwiftProtobuf.Message, as wire: OTLPExporterConfiguration.WireProtocol
    ) throws -> [UInt8] {
        switch wire {
        case .httpProtobuf, .grpc: return try message.serializedBytes()
        case .httpJSON: return try OTLPJSON.encode(message)
        }
    }

    static func decode<M: SwiftProtobuf.Message>(
        _ type: M.Type, from bytes: [UInt8], as wire: OTLPExporterConfiguration.WireProtocol
    ) throws -> M {
        guard !bytes.isEmpty else { return M() }
        switch wire {
        case .httpProtobuf, .grpc: return try M(serializedBytes: bytes)
        case .httpJSON: return try OTLPJSON.decode(type, from: bytes)
        }
    }
}
