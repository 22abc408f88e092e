import Foundation
import OTLP

/// Renders OTLP attribute values as JSON text for storage and the query API: strings,
/// numbers and booleans natively, arrays and key/value lists nested, bytes as base64.
enum AttributeJSON {
    typealias KeyValue = Opentelemetry_Proto_Common_V1_KeyValue
    typealias AnyValue = Opentelemetry_Proto_Common_V1_AnyValue

    /// `{"key": value, …}`; a repeated key keeps its last value.
    static func object(_ attributes: [KeyValue]) -> String {
        var text = "{"
        var seen = Set<String>()
        for attribute in attributes.reversed() where seen.insert(attribute.key).inserted {
            if text.count > 1 { text += "," }
            appendString(attribute.key, to: &text)
            text += ":"
            appendValue(attribute.value, to: &text)
        }
        return text + "}"
    }

    /// One value as JSON (`null` when unset).
    static func value(_ value: AnyValue) -> String {
        var text = ""
        appendValue(value, to: &text)
        return text
    }

    private static func appendValue(_ value: AnyValue, to text: inout String) {
        switch value.value {
        case .stringValue(let string): appendString(string, to: &text)
        case .boolValue(let bool): text += bool ? "true" : "false"
        case .intValue(let int): text += String(int)
        case .doubleValue(let double):
            // JSON has no NaN or infinities; keep them readable as strings.
            text += double.isFinite ? "\(double)" : "\"\(double)\""
        case .arrayValue(let array):
            text += "["
            for (index, element) in array.values.enumerated() {
                if index > 0 { text += "," }
                appendValue(element, to: &text)
            }
            text += "]"
        case .kvlistValue(let list): text += object(list.values)
        case .bytesValue(let bytes): appendString(bytes.base64EncodedString(), to: &text)
        case .none: text += "null"
        }
    }

    static func appendString(_ string: String, to text: inout String) {
        text += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case let control where control.value < 0x20:
                text += String(format: "\\u%04x", control.value)
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}
