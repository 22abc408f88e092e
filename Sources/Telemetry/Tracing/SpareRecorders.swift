/// Recorders of exported spans waiting to serve new spans: kept as the batches the export task
/// hands back, and handed out from the oldest batch first.
///
/// Handing back a batch is one append under the lock the threads starting spans take (not one
/// per recorder, which kept those threads waiting). Oldest batch first, not the one just
/// cleared: the export task's core still holds that one's cache lines, and the thread starting
/// a span would wait for them to move (measured: the first touch of a reused recorder was the
/// slowest instruction of a span).
struct SpareRecorders {
    /// Oldest batch first.
    private var batches: [[SpanRecorder]] = []
    /// How many recorders are waiting.
    private(set) var count = 0

    /// A waiting recorder from the oldest batch, or nil.
    mutating func take() -> SpanRecorder? {
        while !batches.isEmpty {
            if let recorder = batches[0].popLast() {
                count -= 1
                return recorder
            }
            batches.removeFirst()
        }
        return nil
    }

    /// Adds `batch`, keeping at most `limit` recorders waiting.
    mutating func keep(_ batch: [SpanRecorder], upTo limit: Int) {
        let room = max(0, limit - count)
        guard room > 0, !batch.isEmpty else { return }
        let kept = batch.count <= room ? batch : Array(batch.prefix(room))
        batches.append(kept)
        count += kept.count
    }
}
