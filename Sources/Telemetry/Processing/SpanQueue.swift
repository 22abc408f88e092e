/// A fixed-capacity ring of ended spans: pushing into a free slot never allocates, so the
/// thread ending a span pays for a lock and a copy only.
struct SpanQueue {
    private var slots: [SpanData?]
    private var head = 0
    private(set) var count = 0

    init(capacity: Int) {
        slots = Array(repeating: nil, count: capacity)
    }

    var capacity: Int { slots.count }

    /// Appends `span`; returns false when the queue is full.
    mutating func push(_ span: SpanData) -> Bool {
        guard count < slots.count else { return false }
        slots[(head + count) % slots.count] = span
        count += 1
        return true
    }

    /// Removes and returns up to `limit` spans, oldest first.
    mutating func pop(upTo limit: Int) -> [SpanData] {
        let taken = min(limit, count)
        var batch: [SpanData] = []
        batch.reserveCapacity(taken)
        for _ in 0..<taken {
            if let span = slots[head].take() { batch.append(span) }
            head = (head + 1) % slots.count
        }
        count -= taken
        return batch
    }
}
