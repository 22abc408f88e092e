/// The role of a span in a trace, as OpenTelemetry defines it.
public enum SpanKind: Sendable, Hashable {
    /// An operation inside the application (the default).
    case `internal`
    /// The handling of a synchronous request from a remote client.
    case server
    /// A synchronous request to a remote service.
    case client
    /// The sending of a message that a consumer handles later.
    case producer
    /// The handling of a message sent by a producer.
    case consumer
}
