/// Prints one line per span, for development: trace and span ids, parent, name, kind,
/// duration, status and attributes.
public struct ConsoleSpanExporter: SpanExporter {
    private let write: @Sendable (String) -> Void

    /// Creates an exporter that prints to standard output, or hands each line to `write`.
    public init(write: @escaping @Sendable (String) -> Void = { print($0) }) {
        self.write = write
    }

    public func export(_ spans: [SpanData]) async -> ExportResult {
        for span in spans { write(Self.line(for: span)) }
        return .success
    }

    /// The line printed for `span`.
    public static func line(for span: SpanData) -> String {
        var line = "span \(span.context.traceID.hex)/\(span.context.spanID.hex)"
        line += " parent=\(span.parentSpanID?.hex ?? "-") name=\"\(span.name)\" kind=\(span.kind)"
        line += " duration=\(Double(span.duration) / 1e6)ms"
        switch span.status {
        case .unset: line += " status=unset"
        case .ok: line += " status=ok"
        case .error(let description): line += " status=error(\"\(description)\")"
        }
        for (key, value) in span.attributes { line += " \(key)=\(value.text)" }
        for event in span.events { line += " event=\"\(event.name)\"" }
        for link in span.links { line += " link=\(link.context.traceID.hex)/\(link.context.spanID.hex)" }
        return line
    }
}
