/// Reads `Accept-Encoding` for whether a gzip response is allowed.
enum AcceptEncoding {
    /// True when `gzip` (or `*`) is listed with a non-zero quality.
    static func allowsGzip(_ header: String?) -> Bool {
        guard let header else { return false }
        for item in header.split(separator: ",") {
            let parts = item.split(separator: ";")
            let coding = parts.first.map { $0.trimmingCharacters() } ?? ""
            guard coding == "gzip" || coding == "x-gzip" || coding == "*" else { continue }
            let quality = parts.dropFirst().compactMap { parameter -> Double? in
                let pair = parameter.split(separator: "=", maxSplits: 1)
                guard pair.count == 2, pair[0].trimmingCharacters() == "q" else { return nil }
                return Double(pair[1].trimmingCharacters())
            }.first ?? 1
            if quality > 0 { return true }
        }
        return false
    }
}

extension Substring {
    fileprivate func trimmingCharacters() -> String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed()).lowercased()
    }
}
