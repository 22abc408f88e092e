import PromQL

/// A label set as bytes for the `series` table: for each pair, a varint length and the UTF-8
/// bytes of the name, then of the value. Stored as a BLOB so any byte (NUL included) survives.
enum LabelsCoding {
    static func encode(_ labels: Labels) -> [UInt8] {
        var bytes: [UInt8] = []
        for pair in labels.pairs {
            append(pair.name, to: &bytes)
            append(pair.value, to: &bytes)
        }
        return bytes
    }

    /// The label set, or nil when the bytes are damaged.
    static func decode(_ bytes: [UInt8]) -> Labels? {
        var pairs: [(String, String)] = []
        var index = 0
        while index < bytes.count {
            guard let name = string(bytes, &index), let value = string(bytes, &index) else { return nil }
            pairs.append((name, value))
        }
        return Labels(pairs)
    }

    private static func append(_ text: String, to bytes: inout [UInt8]) {
        var length = UInt64(text.utf8.count)
        while length >= 0x80 {
            bytes.append(UInt8(length & 0x7f) | 0x80)
            length >>= 7
        }
        bytes.append(UInt8(length))
        bytes += text.utf8
    }

    private static func string(_ bytes: [UInt8], _ index: inout Int) -> String? {
        var length = 0
        var shift = 0
        while true {
            guard index < bytes.count, shift < 35 else { return nil }
            let byte = bytes[index]
            index += 1
            length |= Int(byte & 0x7f) << shift
            if byte & 0x80 == 0 { break }
            shift += 7
        }
        guard length <= bytes.count - index else { return nil }
        defer { index += length }
        return String(decoding: bytes[index..<(index + length)], as: UTF8.self)
    }
}
