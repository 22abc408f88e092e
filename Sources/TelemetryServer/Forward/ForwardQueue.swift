import Synchronization

/// Encoded export requests waiting to go upstream, bounded in bytes. When full, new requests
/// are refused (and counted by the caller): an upstream outage never grows memory past the
/// bound.
///
/// Batches hold requests of one signal, concatenated: concatenated protobuf messages decode as
/// one message whose repeated fields are joined, so several exports become one.
final class ForwardQueue: Sendable {
    struct Entry: Sendable {
        var signal: OTLPSignal
        var body: [UInt8]
        var items: Int
    }

    /// Requests of one signal, sent upstream as one body.
    struct Batch: Sendable {
        var signal: OTLPSignal
        var body: [UInt8]
        var items: Int
    }

    private struct State {
        var entries: [Entry] = []
        var bytes = 0
    }

    let maxBytes: Int
    let maxBatchBytes: Int
    private let state = Mutex(State())

    init(maxBytes: Int, maxBatchBytes: Int = 4 << 20) {
        self.maxBytes = maxBytes
        self.maxBatchBytes = maxBatchBytes
    }

    /// Bytes waiting.
    var bytes: Int { state.withLock { $0.bytes } }

    /// Queues a request; false when it does not fit.
    func push(_ entry: Entry) -> Bool {
        state.withLock { state in
            guard state.bytes + entry.body.count <= maxBytes else { return false }
            state.entries.append(entry)
            state.bytes += entry.body.count
            return true
        }
    }

    /// The oldest request and those after it of the same signal, up to the batch size; nil
    /// when nothing waits.
    func popBatch() -> Batch? {
        state.withLock { state in
            guard let signal = state.entries.first?.signal else { return nil }
            var batch = Batch(signal: signal, body: [], items: 0)
            var remaining: [Entry] = []
            remaining.reserveCapacity(state.entries.count)
            var full = false
            for entry in state.entries {
                if entry.signal == signal, !full, batch.body.isEmpty || batch.body.count + entry.body.count <= maxBatchBytes {
                    batch.body += entry.body
                    batch.items += entry.items
                } else {
                    if entry.signal == signal { full = true }
                    remaining.append(entry)
                }
            }
            state.entries = remaining
            state.bytes -= batch.body.count
            return batch
        }
    }
}
