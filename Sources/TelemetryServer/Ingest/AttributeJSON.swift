import Foundation
import OTLP

/// Renders OTLP attribute values as JSON text for storage and the query API: strings,
/// numbers and booleans natively, arrays and key/value lists nested, bytes as base64.
///
/// Text is built as UTF-8 bytes (escaping works byte by byte, since every byte that needs an
/// escape is ASCII): this runs for every attribute of every span received.
enum AttributeJSON {
    typealias KeyValue = Opentelemetry_Proto_Common_V1_KeyValue
    typealias AnyValue = Opentelemetry_Proto_Common_V1_AnyValue

    /// `{"key": value, …}`; a repeated key keeps its last value.
    static func object(_ attributes: [KeyValue]) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(attributes.count * 40 + 2)
        appendObject(attributes, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// One value as JSON (`null` when unset).
    static func value(_ value: AnyValue) -> String {
        var bytes: [UInt8] = []
        appendValue(value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `string` as a JSON string literal to `text`.
    static func appendString(_ string: String, to text: inout String) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(string.utf8.count + 2)
        appendString(string, to: &bytes)
        text += String(decoding: bytes, as: UTF8.self)
    }

    private static func appendObject(_ attributes: [KeyValue], to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "{"))
        var first = true
        for (index, attribute) in attributes.enumerated() where !isRepeatedLater(index, in: attributes) {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            appendString(attribute.key, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
            appendValue(attribute.value, to: &bytes)
        }
        bytes.append(UInt8(ascii: "}"))
    }

    /// Whether a later attribute has the same key (so this one is overridden). Attribute lists
    /// are short and rarely repeat keys: a scan is cheaper than building a set.
    private static func isRepeatedLater(_ index: Int, in attributes: [KeyValue]) -> Bool {
        let key = attributes[index].key
        var later = index + 1
        while later < attributes.count {
            if attributes[later].key == key { return true }
            later += 1
        }
        return false
    }

    private static func appendValue(_ value: AnyValue, to bytes: inout [UInt8]) {
        switch value.value {
        case .stringValue(let string): appendString(string, to: &bytes)
        case .boolValue(let bool): appendASCII(bool ? "true" : "false", to: &bytes)
        case .intValue(let int): appendASCII(String(int), to: &bytes)
        case .doubleValue(let double):
            // JSON has no NaN or infinities; keep them readable as strings.
            appendASCII(double.isFinite ? "\(double)" : "\"\(double)\"", to: &bytes)
        case .arrayValue(let array):
            bytes.append(UInt8(ascii: "["))
            for (index, element) in array.values.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                appendValue(element, to: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        case .kvlistValue(let list): appendObject(list.values, to: &bytes)
        case .bytesValue(let data): appendString(data.base64EncodedString(), to: &bytes)
        case .none: appendASCII("null", to: &bytes)
        }
    }

    private static func appendASCII(_ text: String, to bytes: inout [UInt8]) {
        bytes.append(contentsOf: text.utf8)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    static func appendString(_ string: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            let escaped: UInt8
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): escaped = byte
            case UInt8(ascii: "\n"): escaped = UInt8(ascii: "n")
            case UInt8(ascii: "\r"): escaped = UInt8(ascii: "r")
            case UInt8(ascii: "\t"): escaped = UInt8(ascii: "t")
            case 0..<0x20: escaped = UInt8(ascii: "u")
            default:
                bytes.append(byte)
                continue
            }
            bytes.append(UInt8(ascii: "\\"))
            bytes.append(escaped)
            if escaped == UInt8(ascii: "u") {
                bytes.append(UInt8(ascii: "0"))
                bytes.append(UInt8(ascii: "0"))
                bytes.append(hexDigits[Int(byte >> 4)])
                bytes.append(hexDigits[Int(byte & 0xf)])
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
