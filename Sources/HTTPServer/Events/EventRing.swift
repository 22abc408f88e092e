/// The last events published, oldest first, for clients that reconnect.
struct EventRing {
    private var slots: [ServerSentEvent?]
    private var next = 0
    private(set) var count = 0
    /// The id of the newest event (before the first, the value the ring was created with).
    private(set) var lastID: UInt64

    init(capacity: Int, lastID: UInt64 = 0) {
        slots = Array(repeating: nil, count: capacity)
        self.lastID = lastID
    }

    mutating func append(_ event: ServerSentEvent) {
        slots[next] = event
        next = (next + 1) % slots.count
        count = min(count + 1, slots.count)
        lastID = event.id
    }

    /// The events with ids after `id`, oldest first; nil when some of them are no longer held.
    func events(after id: UInt64) -> [ServerSentEvent]? {
        let wanted = lastID - id
        guard wanted <= UInt64(count) else { return nil }
        var result: [ServerSentEvent] = []
        result.reserveCapacity(Int(wanted))
        for offset in stride(from: Int(wanted), to: 0, by: -1) {
            let index = (next - offset + slots.count * 2) % slots.count
            if let event = slots[index] { result.append(event) }
        }
        return result
    }
}
