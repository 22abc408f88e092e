/// The request target as sent (`/api/services/a%2Fb/operations?limit=5`), split before any
/// decoding so that an escaped `/` stays inside its segment and an escaped NUL cannot cut the
/// path short.
///
/// libmicrohttpd decodes the path and the query itself into C strings, which loses both; the
/// server reads the raw target instead and decodes each segment and each query component here.
struct RequestTarget: Equatable {
    /// Why a target cannot be served.
    enum Problem: Error, Equatable {
        /// More query parameters than allowed.
        case tooManyParameters(limit: Int)
    }

    /// The path as sent, still percent-encoded.
    var rawPath: String
    /// The path's segments, each percent-decoded; empty segments are dropped.
    var segments: [String]
    /// Query parameters in order, `+` read as a space and percent-decoded.
    var query: [(name: String, value: String)]

    static func == (lhs: RequestTarget, rhs: RequestTarget) -> Bool {
        lhs.rawPath == rhs.rawPath && lhs.segments == rhs.segments
            && lhs.query.map(\.name) == rhs.query.map(\.name) && lhs.query.map(\.value) == rhs.query.map(\.value)
    }

    /// Splits `target`; a fragment (`#…`) is ignored as browsers never send one.
    init(_ target: String, maxQueryParameters: Int = 10_000) throws(Problem) {
        var utf8 = Substring(target).utf8[...]
        if let hash = utf8.firstIndex(of: UInt8(ascii: "#")) { utf8 = utf8[..<hash] }
        let question = utf8.firstIndex(of: UInt8(ascii: "?"))
        let pathBytes = question.map { utf8[..<$0] } ?? utf8
        rawPath = String(Substring(pathBytes))
        segments = pathBytes.split(separator: UInt8(ascii: "/")).map { Self.decode($0, plusIsSpace: false) }
        query = []
        guard let question else { return }
        let queryBytes = utf8[utf8.index(after: question)...]
        for component in queryBytes.split(separator: UInt8(ascii: "&")) {
            guard query.count < maxQueryParameters else { throw .tooManyParameters(limit: maxQueryParameters) }
            if let equals = component.firstIndex(of: UInt8(ascii: "=")) {
                query.append((
                    name: Self.decode(component[..<equals], plusIsSpace: true),
                    value: Self.decode(component[component.index(after: equals)...], plusIsSpace: true)))
            } else {
                query.append((name: Self.decode(component, plusIsSpace: true), value: ""))
            }
        }
    }

    /// Percent-decodes `bytes`. A `%` not followed by two hex digits is kept as it is (as
    /// browsers and libmicrohttpd do); invalid UTF-8 becomes U+FFFD.
    static func decode(_ bytes: Substring.UTF8View.SubSequence, plusIsSpace: Bool) -> String {
        guard bytes.contains(where: { $0 == UInt8(ascii: "%") || (plusIsSpace && $0 == UInt8(ascii: "+")) }) else {
            return String(decoding: bytes, as: UTF8.self)
        }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                let first = bytes.index(after: index)
                if first < bytes.endIndex, bytes.index(after: first) < bytes.endIndex,
                    let high = hexValue(bytes[first]), let low = hexValue(bytes[bytes.index(after: first)])
                {
                    output.append(high << 4 | low)
                    index = bytes.index(first, offsetBy: 2)
                    continue
                }
            }
            output.append(plusIsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
            index = bytes.index(after: index)
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
