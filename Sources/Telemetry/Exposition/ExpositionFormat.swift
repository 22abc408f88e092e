/// The text formats `/metrics` can be served in.
public enum ExpositionFormat: Sendable, Equatable {
    /// Prometheus text format 0.0.4.
    case prometheusText
    /// OpenMetrics 1.0 text, with exemplars and `# EOF`.
    case openMetrics

    /// The `Content-Type` header value for this format.
    public var contentType: String {
        switch self {
        case .prometheusText: return "text/plain; version=0.0.4; charset=utf-8"
        case .openMetrics: return "application/openmetrics-text; version=1.0.0; charset=utf-8"
        }
    }

    /// Chooses a format from an `Accept` header value.
    ///
    /// The acceptable media range with the highest `q` wins (the first one on a tie).
    /// `application/openmetrics-text` (version 1.0.0, 0.0.1 or none) selects OpenMetrics;
    /// `text/plain`, `text/*` and `*/*` select text 0.0.4. No header, or nothing we can
    /// produce, also gives text 0.0.4, as Prometheus client libraries do.
    public init(accept: String?) {
        self = .prometheusText
        guard let accept else { return }
        var bestQuality = 0.0
        for range in accept.split(separator: ",") {
            let parts = range.split(separator: ";").map { $0.trimmingSpaces() }
            guard let mediaType = parts.first?.lowercased() else { continue }
            var quality = 1.0
            var version: Substring?
            for parameter in parts.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingSpaces() }
                guard pair.count == 2 else { continue }
                switch pair[0].lowercased() {
                case "q": quality = Double(pair[1]) ?? 0
                case "version": version = pair[1]
                default: break
                }
            }
            let candidate: ExpositionFormat?
            switch mediaType {
            case "application/openmetrics-text":
                candidate = version == nil || version == "1.0.0" || version == "0.0.1" ? .openMetrics : nil
            case "text/plain":
                candidate = version == nil || version == "0.0.4" ? .prometheusText : nil
            case "text/*", "*/*":
                candidate = .prometheusText
            default:
                candidate = nil
            }
            if let candidate, quality > bestQuality {
                bestQuality = quality
                self = candidate
            }
        }
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> Substring {
        var result = self
        while result.first == " " || result.first == "\t" { result.removeFirst() }
        while result.last == " " || result.last == "\t" { result.removeLast() }
        return result
    }
}
