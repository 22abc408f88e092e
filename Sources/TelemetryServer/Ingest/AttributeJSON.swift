import Foundation
import OTLP

/// Renders OTLP attribute values as JSON text for storage and the query API: strings,
/// numbers and booleans natively, arrays and key/value lists nested, bytes as base64.
///
/// Text is built as UTF-8 bytes (escaping works byte by byte, since every byte that needs an
/// escape is ASCII): this runs for every attribute of every span received, so all of it is
/// linear in the input. Strings and byte values longer than `maxValueBytes` are cut at a
/// character boundary and counted in `truncatedValues`, so one huge value can neither fill
/// the disk nor pass unnoticed.
struct AttributeJSON {
    typealias KeyValue = Opentelemetry_Proto_Common_V1_KeyValue
    typealias AnyValue = Opentelemetry_Proto_Common_V1_AnyValue

    /// The default cap on one stored value: 64 KiB.
    static let defaultMaxValueBytes = 64 * 1024

    /// Longest string or bytes value kept, in bytes.
    let maxValueBytes: Int
    /// Values cut so far.
    var truncatedValues = 0

    init(maxValueBytes: Int = AttributeJSON.defaultMaxValueBytes) {
        self.maxValueBytes = max(1, maxValueBytes)
    }

    /// `{"key": value, …}`; a repeated key keeps its last value.
    mutating func object(_ attributes: [KeyValue]) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(attributes.count * 40 + 2)
        appendObject(attributes, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// One value as JSON (`null` when unset).
    mutating func value(_ value: AnyValue) -> String {
        var bytes: [UInt8] = []
        appendValue(value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A plain string (a name or message) cut to the value limit, counted when cut.
    mutating func limited(_ string: String) -> String {
        guard string.utf8.count > maxValueBytes else { return string }
        truncatedValues += 1
        return String(decoding: Self.prefix(of: string, bytes: maxValueBytes), as: UTF8.self)
    }

    /// Appends `string` as a JSON string literal, cut to the value limit.
    mutating func appendLimitedString(_ string: String, to bytes: inout [UInt8]) {
        if string.utf8.count > maxValueBytes {
            truncatedValues += 1
            Self.appendEscaped(Self.prefix(of: string, bytes: maxValueBytes), to: &bytes)
        } else {
            Self.appendEscaped(string.utf8, to: &bytes)
        }
    }

    private mutating func appendObject(_ attributes: [KeyValue], to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "{"))
        let overridden = Self.overriddenIndices(attributes)
        var first = true
        for (index, attribute) in attributes.enumerated() where !overridden.contains(index) {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            appendLimitedString(attribute.key, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
            appendValue(attribute.value, to: &bytes)
        }
        bytes.append(UInt8(ascii: "}"))
    }

    /// Indices of attributes whose key appears again later (the later one wins). Short lists
    /// are scanned pairwise, which is cheaper than hashing; longer ones go through a
    /// dictionary so the work stays linear however many attributes a client sends.
    static func overriddenIndices(_ attributes: [KeyValue]) -> Set<Int> {
        var overridden = Set<Int>()
        if attributes.count <= 16 {
            for index in attributes.indices {
                let key = attributes[index].key
                if attributes[(index + 1)...].contains(where: { $0.key == key }) { overridden.insert(index) }
            }
            return overridden
        }
        var lastIndex: [String: Int] = [:]
        lastIndex.reserveCapacity(attributes.count)
        for (index, attribute) in attributes.enumerated() {
            if let earlier = lastIndex.updateValue(index, forKey: attribute.key) { overridden.insert(earlier) }
        }
        return overridden
    }

    private mutating func appendValue(_ value: AnyValue, to bytes: inout [UInt8]) {
        switch value.value {
        case .stringValue(let string): appendLimitedString(string, to: &bytes)
        case .boolValue(let bool): Self.appendASCII(bool ? "true" : "false", to: &bytes)
        case .intValue(let int): Self.appendASCII(String(int), to: &bytes)
        case .doubleValue(let double):
            // JSON has no NaN or infinities; keep them readable as strings.
            Self.appendASCII(double.isFinite ? "\(double)" : "\"\(double)\"", to: &bytes)
        case .arrayValue(let array):
            bytes.append(UInt8(ascii: "["))
            for (index, element) in array.values.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                appendValue(element, to: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        case .kvlistValue(let list): appendObject(list.values, to: &bytes)
        case .bytesValue(let data):
            // Base64 grows 3 bytes to 4: cut the raw bytes so the text stays within the limit.
            let maxRaw = max(3, maxValueBytes / 4 * 3)
            if data.count > maxRaw {
                truncatedValues += 1
                Self.appendEscaped(data.prefix(maxRaw).base64EncodedString().utf8, to: &bytes)
            } else {
                Self.appendEscaped(data.base64EncodedString().utf8, to: &bytes)
            }
        case .none: Self.appendASCII("null", to: &bytes)
        }
    }

    /// The first at most `count` bytes of `string`, not splitting a character's encoding.
    static func prefix(of string: String, bytes count: Int) -> ArraySlice<UInt8> {
        var end = count
        let utf8 = Array(string.utf8.prefix(count + 1))
        guard utf8.count > count else { return utf8[...] }
        // Step back over continuation bytes (10xxxxxx) to the start of the cut character.
        while end > 0, utf8[end] & 0xC0 == 0x80 { end -= 1 }
        return utf8[..<end]
    }

    private static func appendASCII(_ text: String, to bytes: inout [UInt8]) {
        bytes.append(contentsOf: text.utf8)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Appends `string` as a JSON string literal to `text`, without a length limit (for text
    /// already bounded, such as stored names).
    static func appendString(_ string: String, to text: inout String) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(string.utf8.count + 2)
        appendEscaped(string.utf8, to: &bytes)
        text += String(decoding: bytes, as: UTF8.self)
    }

    /// Appends UTF-8 `utf8` as a JSON string literal.
    static func appendEscaped(_ utf8: some Sequence<UInt8>, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        let copied: Void? = utf8.withContiguousStorageIfAvailable { appendEscaped(contiguous: $0, to: &bytes) }
        if copied == nil {
            for byte in utf8 {
                if needsEscape(byte) { appendEscape(for: byte, to: &bytes) } else { bytes.append(byte) }
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends `text` escaped: runs of bytes that need no escape (nearly all text) are copied
    /// whole rather than byte by byte.
    private static func appendEscaped(contiguous text: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8]) {
        var runStart = 0
        for index in text.indices where needsEscape(text[index]) {
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[runStart..<index]))
            appendEscape(for: text[index], to: &bytes)
            runStart = index + 1
        }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[runStart...]))
    }

    /// Whether `byte` cannot stand for itself inside a JSON string.
    @inline(__always)
    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    /// Appends the escape sequence for `byte`, one `needsEscape` accepts.
    private static func appendEscape(for byte: UInt8, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\n"): bytes.append(UInt8(ascii: "n"))
        case UInt8(ascii: "\r"): bytes.append(UInt8(ascii: "r"))
        case UInt8(ascii: "\t"): bytes.append(UInt8(ascii: "t"))
        case 0..<0x20:
            bytes.append(UInt8(ascii: "u"))
            bytes.append(UInt8(ascii: "0"))
            bytes.append(UInt8(ascii: "0"))
            bytes.append(hexDigits[Int(byte >> 4)])
            bytes.append(hexDigits[Int(byte & 0xf)])
        default: bytes.append(byte)
        }
    }
}
