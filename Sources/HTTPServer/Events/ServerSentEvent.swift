/// One server-sent event as it goes on the wire.
public struct ServerSentEvent: Sendable {
    /// The event's id: increases by one per event published.
    public let id: UInt64
    /// The topic, sent as the event type (`event:`): browsers dispatch it to the listener of
    /// that name.
    public let topic: String
    /// The encoded event, ending with the blank line that terminates it.
    public let bytes: [UInt8]

    /// Encodes an event. Each line of `data` becomes one `data:` field, as the format requires.
    public init(id: UInt64, topic: String, data: String) {
        self.id = id
        self.topic = topic
        var text = "id: \(id)\nevent: \(topic)\n"
        for line in data.split(separator: "\n", omittingEmptySubsequences: false) {
            text += "data: "
            text += line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
            text += "\n"
        }
        text += "\n"
        bytes = Array(text.utf8)
    }
}
