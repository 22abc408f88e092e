import Foundation
import SwiftProtobuf

/// The OTLP/JSON encoding: proto3 JSON with the differences the OTLP specification makes.
///
/// - trace and span ids (`traceId`, `spanId`, `parentSpanId`) are hex strings, not base64;
/// - enums are written as integers;
/// - keys are lowerCamelCase; unknown fields are ignored when decoding.
///
/// Decoding is lenient where SDKs differ: ids may also be base64 (told apart by length: 32 hex
/// characters for a trace id, 16 for a span id), enums may be names, 64-bit integers may be
/// numbers or strings, and snake_case keys are accepted.
public enum OTLPJSON {
    /// Why a body could not be decoded; the message names what was wrong.
    public struct DecodingError: Error, CustomStringConvertible {
        public let description: String
    }

    static let idKeys: Set<String> = ["traceId", "spanId", "parentSpanId", "trace_id", "span_id", "parent_span_id"]

    /// Decodes an OTLP/JSON body into `type`.
    public static func decode<M: SwiftProtobuf.Message>(_ type: M.Type, from bytes: [UInt8]) throws(DecodingError) -> M {
        let tree: Any
        do {
            tree = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        } catch {
            throw DecodingError(description: "invalid JSON: \(describe(error))")
        }
        guard tree is [String: Any] else { throw DecodingError(description: "expected a JSON object at the top level") }
        let normalised: Data
        do {
            normalised = try JSONSerialization.data(withJSONObject: rewriteIDs(tree, toBase64: true))
        } catch {
            throw DecodingError(description: "invalid JSON: \(describe(error))")
        }
        var options = JSONDecodingOptions()
        options.ignoreUnknownFields = true
        do {
            return try M(jsonUTF8Data: normalised, options: options)
        } catch {
            throw DecodingError(description: "invalid OTLP/JSON: \(error)")
        }
    }

    /// Encodes `message` as OTLP/JSON.
    public static func encode(_ message: some SwiftProtobuf.Message) throws -> [UInt8] {
        var options = JSONEncodingOptions()
        options.alwaysPrintEnumsAsInts = true
        let protoJSON = try message.jsonUTF8Data(options: options)
        let tree = try JSONSerialization.jsonObject(with: protoJSON)
        return Array(try JSONSerialization.data(withJSONObject: rewriteIDs(tree, toBase64: false), options: [.withoutEscapingSlashes]))
    }

    /// Walks the tree converting id values between hex (OTLP/JSON) and base64 (proto3 JSON).
    static func rewriteIDs(_ node: Any, toBase64: Bool) -> Any {
        if let object = node as? [String: Any] {
            var result: [String: Any] = [:]
            for (key, value) in object {
                if idKeys.contains(key), let text = value as? String {
                    result[key] = toBase64 ? hexToBase64(text) : base64ToHex(text)
                } else {
                    result[key] = rewriteIDs(value, toBase64: toBase64)
                }
            }
            return result
        }
        if let array = node as? [Any] {
            return array.map { rewriteIDs($0, toBase64: toBase64) }
        }
        return node
    }

    /// Hex ids (32 or 16 characters) become base64; anything else is taken to be base64 already.
    private static func hexToBase64(_ text: String) -> String {
        guard text.utf8.count == 32 || text.utf8.count == 16, let bytes = Hex.decode(text) else { return text }
        return Data(bytes).base64EncodedString()
    }

    private static func base64ToHex(_ text: String) -> String {
        guard let data = Data(base64Encoded: text) else { return text }
        return Hex.encode(data)
    }

    private static func describe(_ error: Error) -> String {
        (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? error.localizedDescription
    }
}
