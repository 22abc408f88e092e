import Instrumentation
import Synchronization
import Tracing

/// A `swift-distributed-tracing` span over a Telemetry span.
///
/// `recordError` also sets the status to `error` with the error's description, so an error
/// escaping `Tracing.withSpan` marks the span failed, as Telemetry's own `withSpan` does.
public final class DistributedSpan: Tracing.Span {
    /// The Telemetry span.
    public let span: Telemetry.Span
    /// The context, carrying this span under `TelemetrySpanContextKey`.
    public let context: InstrumentationContext
    private let name: Mutex<String>

    init(_ span: Telemetry.Span, context: InstrumentationContext, name: String) {
        self.span = span
        self.context = context
        self.name = Mutex(name)
    }

    public var operationName: String {
        get { name.withLock { $0 } }
        set {
            name.withLock { $0 = newValue }
            span.updateName(newValue)
        }
    }

    public var attributes: Tracing.SpanAttributes {
        get {
            var converted = Tracing.SpanAttributes()
            for (key, value) in span.recordedData?.attributes ?? [:] {
                converted.set(key, value: Self.tracingAttribute(value))
            }
            return converted
        }
        set {
            var updated = Telemetry.SpanAttributes()
            newValue.forEach { key, value in updated[key] = Self.attributeValue(value) }
            span.setAttributes(updated)
        }
    }

    public var isRecording: Bool { span.isRecording }

    public func setStatus(_ status: Tracing.SpanStatus) {
        switch status.code {
        case .ok: span.setStatus(.ok)
        case .error:
            // Tracing's withSpan sets a bare error status after recordError: keep the description.
            if status.message == nil, case .error = span.recordedData?.status { return }
            span.setStatus(.error(description: status.message ?? ""))
        }
    }

    public func addEvent(_ event: Tracing.SpanEvent) {
        span.addEvent(event.name, attributes: Self.attributes(event.attributes), timestamp: event.nanosecondsSinceEpoch)
    }

    public func recordError<Instant: TracerInstant>(
        _ error: any Error, attributes: Tracing.SpanAttributes, at instant: @autoclosure () -> Instant
    ) {
        span.recordError(error, attributes: Self.attributes(attributes))
        span.setStatus(.error(description: String(describing: error)))
    }

    public func addLink(_ link: Tracing.SpanLink) {
        guard let linked = link.context[TelemetrySpanContextKey.self] else { return }
        span.addLink(linked, attributes: Self.attributes(link.attributes))
    }

    public func end<Instant: TracerInstant>(at instant: @autoclosure () -> Instant) {
        span.end(at: instant().nanosecondsSinceEpoch)
    }

    static func attributes(_ attributes: Tracing.SpanAttributes) -> Telemetry.SpanAttributes {
        var converted = Telemetry.SpanAttributes()
        attributes.forEach { key, value in converted[key] = attributeValue(value) }
        return converted
    }

    static func attributeValue(_ attribute: SpanAttribute) -> AttributeValue {
        switch attribute {
        case .int32(let value): return .int(Int64(value))
        case .int64(let value): return .int(value)
        case .int32Array(let values): return .intArray(values.map(Int64.init))
        case .int64Array(let values): return .intArray(values)
        case .double(let value): return .double(value)
        case .doubleArray(let values): return .doubleArray(values)
        case .bool(let value): return .bool(value)
        case .boolArray(let values): return .boolArray(values)
        case .string(let value): return .string(value)
        case .stringArray(let values): return .stringArray(values)
        case .stringConvertible(let value): return .string(value.description)
        case .stringConvertibleArray(let values): return .stringArray(values.map(\.description))
        default: return .string(String(describing: attribute))
        }
    }

    static func tracingAttribute(_ value: AttributeValue) -> SpanAttribute {
        switch value {
        case .string(let value): return .string(value)
        case .bool(let value): return .bool(value)
        case .int(let value): return .int64(value)
        case .double(let value): return .double(value)
        case .stringArray(let values): return .stringArray(values)
        case .boolArray(let values): return .boolArray(values)
        case .intArray(let values): return .int64Array(values)
        case .doubleArray(let values): return .doubleArray(values)
        }
    }
}
