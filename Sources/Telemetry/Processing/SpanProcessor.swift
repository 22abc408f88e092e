/// Receives spans as they start and end; processors batch and hand ended spans to exporters.
///
/// `onStart` and `onEnd` run on the thread that starts or ends the span and must not block.
public protocol SpanProcessor: Sendable {
    /// Called when a recorded span starts.
    func onStart(_ span: Span, parent: SpanContext?)
    /// Called once when a recorded span ends, with everything it recorded.
    func onEnd(_ span: SpanData)
    /// Exports everything received so far; returns when done.
    func forceFlush() async
    /// Exports what is queued, then stops; spans ended afterwards are dropped.
    func shutdown() async
}

extension SpanProcessor {
    /// Does nothing: most processors only care about ended spans.
    public func onStart(_ span: Span, parent: SpanContext?) {}
}
