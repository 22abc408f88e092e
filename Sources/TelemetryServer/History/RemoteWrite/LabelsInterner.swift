import PromQL
import Synchronization

/// Remembers the label sets of series seen in earlier remote-write requests by their encoded
/// bytes, so a series sent again (every scrape sends every series) costs a hash and a byte
/// comparison instead of decoding, validating and sorting its strings; the label sets it
/// hands out share their storage with the head's.
///
/// Holds at most `capacity` entries and about `maxBytes` of their encoded labels; when full it
/// starts over, so a sender inventing series, or sending long labels, cannot grow it without
/// bound.
final class LabelsInterner: Sendable {
    private struct Entry {
        let bytes: [UInt8]
        let labels: Labels
    }

    private struct Table {
        var entries: [Int: Entry] = [:]
        /// Encoded bytes of the entries held.
        var bytes = 0
    }

    let capacity: Int
    let maxBytes: Int
    private let table = Mutex(Table())

    init(capacity: Int, maxBytes: Int = 64 << 20) {
        self.capacity = capacity
        self.maxBytes = maxBytes
    }

    /// The label set last remembered for exactly these bytes.
    func labels(for bytes: UnsafeRawBufferPointer) -> Labels? {
        let hash = Self.hash(bytes)
        return table.withLock { table in
            guard let entry = table.entries[hash], entry.bytes.elementsEqual(bytes) else { return nil }
            return entry.labels
        }
    }

    /// Remembers `labels`, decoded and validated from `bytes`.
    func remember(_ bytes: UnsafeRawBufferPointer, _ labels: Labels) {
        let entry = Entry(bytes: Array(bytes), labels: labels)
        let hash = Self.hash(bytes)
        table.withLock { table in
            if table.entries.count >= capacity || table.bytes + bytes.count > maxBytes {
                table.entries.removeAll(keepingCapacity: true)
                table.bytes = 0
            }
            if let replaced = table.entries.updateValue(entry, forKey: hash) { table.bytes -= replaced.bytes.count }
            table.bytes += bytes.count
        }
    }

    var count: Int { table.withLock { $0.entries.count } }

    /// Encoded bytes of the label sets held.
    var heldBytes: Int { table.withLock { $0.bytes } }

    private static func hash(_ bytes: UnsafeRawBufferPointer) -> Int {
        var hasher = Hasher()
        hasher.combine(bytes: bytes)
        return hasher.finalize()
    }
}
