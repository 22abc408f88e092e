import OTLP

/// `%XX` escapes, as W3C baggage values and the `OTEL_RESOURCE_ATTRIBUTES` and
/// `OTEL_EXPORTER_OTLP_HEADERS` variables use them.
enum PercentEncoding {
    /// Decodes `%XX` escapes (either case); nil when an escape is malformed or the result is not UTF-8.
    static func decode(_ text: some StringProtocol) -> String? {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next(), let low = iterator.next(),
                let value = Hex.decode(String(decoding: [high, low], as: UTF8.self))
            else { return nil }
            bytes.append(contentsOf: value)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    /// `text` with every byte for which `keep` is false written as `%XX` (uppercase).
    static func encode(_ text: String, keeping keep: (UInt8) -> Bool) -> String {
        var output: [UInt8] = []
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in text.utf8 {
            if keep(byte), byte != UInt8(ascii: "%") {
                output.append(byte)
            } else {
                output += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
