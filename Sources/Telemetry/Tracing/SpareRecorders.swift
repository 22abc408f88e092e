/// Recorders of exported spans waiting to serve new spans: kept as the batches the export task
/// hands back, and handed out from the oldest batch first.
///
/// Handing back a batch is one append under the lock the threads starting spans take (not one
/// per recorder, which kept those threads waiting). Oldest batch first, not the one just
/// cleared: the export task's core still holds that one's cache lines, and the thread starting
/// a span would wait for them to move (measured: the first touch of a reused recorder was the
/// slowest instruction of a span). Taking one also asks the core to fetch the next one's lines
/// for writing, so that they cross while the current span runs.
struct SpareRecorders {
    /// A spare recorder, and where the recorder handed out after it lives: taking this entry
    /// prefetches that one from the entry's own fields, without touching the next entry (a
    /// copy of it would retain its recorder, a write to the very line being fetched).
    struct Entry: Sendable {
        let recorder: SpanRecorder
        /// The recorder handed out after this one, and its attribute storage (0: none).
        let next: SpanRecorder.Location

        /// The recorders of one exported batch, cleared and referenced by nothing else, as
        /// entries in the order `take` hands them out from the end.
        static func batch(_ recorders: consuming [SpanRecorder]) -> [Entry] {
            // Each recorder is moved out of the array into its entry: iterating would retain it
            // into the entry and release it with the array, two atomic operations a recorder.
            // Reversed first (the buffer's swaps move), so that popping yields them in order.
            recorders.withUnsafeMutableBufferPointer { $0.reverse() }
            var entries: [Entry] = []
            entries.reserveCapacity(recorders.count)
            var previous = SpanRecorder.Location()
            while let recorder = recorders.popLast() {
                let location = recorder.location
                entries.append(Entry(recorder: consume recorder, next: previous))
                previous = location
            }
            return entries
        }
    }

    /// Oldest batch first.
    private var batches: [[Entry]] = []
    /// How many recorders are waiting.
    private(set) var count = 0

    /// A waiting recorder from the oldest batch, or nil.
    mutating func take() -> SpanRecorder? {
        while !batches.isEmpty {
            if let entry = batches[0].popLast() {
                count -= 1
                // The next span's recorder was last written on the export task's core: fetch
                // its lines now, while this span runs, instead of waiting for them then.
                entry.next.prefetchForWrite()
                return entry.recorder
            }
            batches.removeFirst()
        }
        return nil
    }

    /// Adds `batch` (moved in, so that `take` finds it uniquely referenced and pops in
    /// place), keeping at most `limit` recorders waiting.
    mutating func keep(_ batch: consuming [Entry], upTo limit: Int) {
        let room = max(0, limit - count)
        guard room > 0, !batch.isEmpty else { return }
        if batch.count > room { batch = Array(batch.prefix(room)) }
        count += batch.count
        batches.append(batch)
    }
}
