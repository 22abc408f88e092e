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
        Varint.append(UInt64(text.utf8.count), to: &bytes)
        bytes += text.utf8
    }

    private static func string(_ bytes: [UInt8], _ index: inout Int) -> String? {
        guard let stated = Varint.read(bytes, &index, limit: bytes.count), stated <= UInt64(bytes.count - index) else {
            return nil
        }
        let length = Int(stated)
        defer { index += length }
        return String(decoding: bytes[index..<(index + length)], as: UTF8.self)
    }
}
