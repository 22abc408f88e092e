/// The head's series by id. Ids are handed out densely from 1, so a slot array replaces a
/// dictionary: the append path reaches a series without hashing.
struct SeriesTable: Sendable, Sequence {
    private var slots: [HeadSeries?] = []
    /// Series held.
    private(set) var count = 0

    subscript(id: Int64) -> HeadSeries? {
        get {
            guard id >= 0, Int(id) < slots.count else { return nil }
            return slots[Int(id)]
        }
        _modify {
            let index = Int(Swift.max(id, 0))
            if index >= slots.count { slots.append(contentsOf: repeatElement(nil, count: index - slots.count + 1)) }
            let wasHeld = slots[index] != nil
            yield &slots[index]
            let isHeld = slots[index] != nil
            if wasHeld != isHeld { count += isHeld ? 1 : -1 }
        }
    }

    /// Every series held.
    var values: [HeadSeries] { slots.compactMap { $0 } }

    func makeIterator() -> some IteratorProtocol<(Int64, HeadSeries)> {
        slots.lazy.compactMap { $0.map { ($0.id, $0) } }.makeIterator()
    }
}
