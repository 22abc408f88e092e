/// A fixed-capacity ring of items waiting for export: pushing into a free slot never
/// allocates, so the thread ending a span or writing a log pays for a lock and a copy only.
struct BoundedQueue<Element> {
    private var slots: [Element?]
    private var head = 0
    private(set) var count = 0

    init(capacity: Int) {
        slots = Array(repeating: nil, count: capacity)
    }

    var capacity: Int { slots.count }

    /// Appends `element`; returns false when the queue is full.
    mutating func push(_ element: Element) -> Bool {
        guard count < slots.count else { return false }
        slots[(head + count) % slots.count] = element
        count += 1
        return true
    }

    /// Removes and returns up to `limit` elements, oldest first.
    mutating func pop(upTo limit: Int) -> [Element] {
        let taken = min(limit, count)
        var batch: [Element] = []
        batch.reserveCapacity(taken)
        for _ in 0..<taken {
            if let element = slots[head].take() { batch.append(element) }
            head = (head + 1) % slots.count
        }
        count -= taken
        return batch
    }
}
