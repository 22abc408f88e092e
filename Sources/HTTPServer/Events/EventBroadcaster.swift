import Synchronization

/// Server-sent events for many clients from one publisher: every event gets the next id, is
/// kept in a bounded ring for replay, and is written to each client subscribed to its topic.
///
/// A client reconnecting with `Last-Event-ID` gets what it missed from the ring, or a `reset`
/// event when the ring no longer holds it or the id is not one this broadcaster gave (a client
/// of an earlier run of the server: ids start at `firstEventID`, which a server sets from its
/// start time so that one run's ids never overlap another's). A client that does not read
/// fast enough overflows its stream's buffer and is disconnected (counted in
/// `droppedClients`); the others are never slowed. Subscribing past `maxClients` is refused
/// so the caller can answer 503.
public final class EventBroadcaster: Sendable {
    /// Why a subscription was refused.
    public enum SubscribeError: Error, Equatable {
        /// `maxClients` streams are open already.
        case tooManyClients(limit: Int)
    }

    private struct Client {
        let stream: ResponseStream
        let topics: Set<String>
    }

    private struct Clients {
        var byID: [Int: Client] = [:]
        var nextID = 0
    }

    /// The most clients served at once.
    public let maxClients: Int
    /// Events kept for replay.
    public let replayCapacity: Int
    /// The id of the first event published.
    public let firstEventID: UInt64
    /// The reconnection delay sent to browsers (`retry:`), in milliseconds.
    public let retryMilliseconds: Int
    /// Unsent bytes allowed per client before it is dropped.
    public let maxBufferedBytesPerClient: Int
    /// Held for a whole publish or subscribe, so every client sees events in id order and a
    /// subscriber's replay meets the live events with no gap and no repeat.
    private let publishing: Mutex<EventRing>
    private let clients = Mutex(Clients())
    private let dropped = Atomic<Int>(0)
    private let published = Atomic<Int>(0)

    /// Creates a broadcaster whose events are numbered from `firstEventID` (at least 1).
    public init(
        maxClients: Int = 1000, replayCapacity: Int = 1024, retryMilliseconds: Int = 2000,
        maxBufferedBytesPerClient: Int = 1 << 20, firstEventID: UInt64 = 1
    ) {
        self.maxClients = maxClients
        self.replayCapacity = replayCapacity
        self.retryMilliseconds = retryMilliseconds
        self.maxBufferedBytesPerClient = maxBufferedBytesPerClient
        self.firstEventID = max(1, firstEventID)
        publishing = Mutex(EventRing(capacity: max(1, replayCapacity), lastID: self.firstEventID - 1))
    }

    /// Clients connected now.
    public var clientCount: Int { clients.withLock { $0.byID.count } }
    /// Clients disconnected because they fell behind.
    public var droppedClients: Int { dropped.load(ordering: .relaxed) }
    /// Events published since start.
    public var publishedEvents: Int { published.load(ordering: .relaxed) }
    /// The id of the last event published (`firstEventID - 1` before the first).
    public var lastEventID: UInt64 { publishing.withLock { $0.lastID } }

    /// Opens a stream for `topics`. With `lastEventID`, the events after it still in the ring
    /// are written first (a `reset` event instead when some are gone, or when the id is not
    /// one of this broadcaster's).
    public func subscribe(topics: Set<String>, lastEventID: UInt64? = nil) throws(SubscribeError) -> ResponseStream {
        let stream = ResponseStream(maxBufferedBytes: maxBufferedBytesPerClient)
        let limit = maxClients
        let key: Int? = publishing.withLock { ring in
            let key: Int? = clients.withLock { clients in
                guard clients.byID.count < limit else { return nil }
                clients.nextID += 1
                clients.byID[clients.nextID] = Client(stream: stream, topics: topics)
                return clients.nextID
            }
            guard key != nil else { return nil }
            var opening = Array("retry: \(retryMilliseconds)\n: connected\n\n".utf8)
            if let lastEventID, lastEventID != ring.lastID {
                // An id past the last one was given by an earlier run: what it saw is unknown.
                if lastEventID < ring.lastID, let missed = ring.events(after: lastEventID) {
                    for event in missed where topics.contains(event.topic) { opening += event.bytes }
                } else {
                    opening += ServerSentEvent(
                        id: ring.lastID, topic: "reset", data: "{\"lastEventId\":\(ring.lastID)}").bytes
                }
            }
            stream.write(opening)
            return key
        }
        guard let key else { throw .tooManyClients(limit: limit) }
        stream.onClose { [weak self] in self?.clients.withLock { _ = $0.byID.removeValue(forKey: key) } }
        return stream
    }

    /// Publishes `data` on `topic` to every subscriber of it; returns the event's id.
    @discardableResult
    public func publish(topic: String, data: String) -> UInt64 {
        published.add(1, ordering: .relaxed)
        return publishing.withLock { ring in
            let event = ServerSentEvent(id: ring.lastID + 1, topic: topic, data: data)
            ring.append(event)
            let receivers = clients.withLock { $0.byID.values.filter { $0.topics.contains(topic) }.map(\.stream) }
            for stream in receivers where stream.write(event.bytes) == .overflowed {
                dropped.add(1, ordering: .relaxed)
            }
            return event.id
        }
    }

    /// Writes a comment to every client: keeps proxies from closing idle streams and lets the
    /// server notice clients that went away (a suspended connection is otherwise never
    /// written to).
    public func heartbeat() {
        let bytes = Array(": heartbeat\n\n".utf8)
        publishing.withLock { _ in
            for stream in clients.withLock({ $0.byID.values.map(\.stream) }) where stream.write(bytes) == .overflowed {
                dropped.add(1, ordering: .relaxed)
            }
        }
    }

    /// Sends a heartbeat every `interval` until the task is cancelled.
    public func runHeartbeat(every interval: Duration) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            heartbeat()
        }
    }

    /// Ends every stream (the server is stopping).
    public func closeAll() {
        for stream in clients.withLock({ $0.byID.values.map(\.stream) }) { stream.finish() }
    }
}
