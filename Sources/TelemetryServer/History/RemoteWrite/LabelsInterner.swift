import PromQL
import Synchronization

/// Remembers the label sets of series seen in earlier remote-write requests by their encoded
/// bytes, so a series sent again (every scrape sends every series) costs a hash and a byte
/// comparison instead of decoding, validating and sorting its strings; the label sets it
/// hands out share their storage with the head's.
///
/// Holds at most `capacity` entries; when full it starts over, so a sender inventing series
/// cannot grow it without bound.
final class LabelsInterner: Sendable {
    private struct Entry {
        let bytes: [UInt8]
        let labels: Labels
    }

    let capacity: Int
    private let table = Mutex<[Int: Entry]>([:])

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// The label set last remembered for exactly these bytes.
    func labels(for bytes: UnsafeRawBufferPointer) -> Labels? {
        let hash = Self.hash(bytes)
        return table.withLock { table in
            guard let entry = table[hash], entry.bytes.elementsEqual(bytes) else { return nil }
            return entry.labels
        }
    }

    /// Remembers `labels`, decoded and validated from `bytes`.
    func remember(_ bytes: UnsafeRawBufferPointer, _ labels: Labels) {
        let entry = Entry(bytes: Array(bytes), labels: labels)
        let hash = Self.hash(bytes)
        table.withLock { table in
            if table.count >= capacity { table.removeAll(keepingCapacity: true) }
            table[hash] = entry
        }
    }

    var count: Int { table.withLock { $0.count } }

    private static func hash(_ bytes: UnsafeRawBufferPointer) -> Int {
        var hasher = Hasher()
        hasher.combine(bytes: bytes)
        return hasher.finalize()
    }
}
