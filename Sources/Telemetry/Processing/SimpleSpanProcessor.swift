/// Passes each ended, sampled span to the exporter straight away, one export at a time and in
/// the order spans ended. Meant for tests and debugging; use `BatchSpanProcessor` in production.
public final class SimpleSpanProcessor: SpanProcessor {
    private enum Item: Sendable {
        case span(SpanData)
        case flush(CheckedContinuation<Void, Never>)
    }

    private let exporter: any SpanExporter
    private let items: AsyncStream<Item>.Continuation
    private let worker: Task<Void, Never>

    /// Creates the processor; it exports from a background task until `shutdown()`.
    public init(exporter: any SpanExporter) {
        self.exporter = exporter
        let (stream, continuation) = AsyncStream.makeStream(of: Item.self)
        items = continuation
        worker = Task {
            for await item in stream {
                switch item {
                case .span(let span): _ = await exporter.export([span])
                case .flush(let waiter): waiter.resume()
                }
            }
        }
    }

    public func onEnd(_ span: SpanData) {
        guard span.context.isSampled else { return }
        items.yield(.span(span))
    }

    public func forceFlush() async {
        await withCheckedContinuation { waiter in
            if case .terminated = items.yield(.flush(waiter)) { waiter.resume() }
        }
        await exporter.forceFlush()
    }

    public func shutdown() async {
        items.finish()
        await worker.value
        await exporter.shutdown()
    }
}
