import Foundation
import OTLP

/// Builds OTLP trace messages from finished spans, grouped by resource and then by scope.
package enum OTLPTraceEncoding {
    package static func request(_ spans: [SpanData]) -> Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest {
        var request = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest()
        var resourceIndex: [Resource: Int] = [:]
        var scopeIndex: [Int: [InstrumentationScope: Int]] = [:]
        for span in spans {
            let resourcePosition: Int
            if let known = resourceIndex[span.resource] {
                resourcePosition = known
            } else {
                var resourceSpans = Opentelemetry_Proto_Trace_V1_ResourceSpans()
                resourceSpans.resource = OTLPValues.resource(span.resource)
                request.resourceSpans.append(resourceSpans)
                resourcePosition = request.resourceSpans.count - 1
                resourceIndex[span.resource] = resourcePosition
            }
            let scopePosition: Int
            if let known = scopeIndex[resourcePosition]?[span.scope] {
                scopePosition = known
            } else {
                var scopeSpans = Opentelemetry_Proto_Trace_V1_ScopeSpans()
                scopeSpans.scope = OTLPValues.scope(span.scope)
                request.resourceSpans[resourcePosition].scopeSpans.append(scopeSpans)
                scopePosition = request.resourceSpans[resourcePosition].scopeSpans.count - 1
                scopeIndex[resourcePosition, default: [:]][span.scope] = scopePosition
            }
            request.resourceSpans[resourcePosition].scopeSpans[scopePosition].spans.append(message(span))
        }
        return request
    }

    static func message(_ span: SpanData) -> Opentelemetry_Proto_Trace_V1_Span {
        var message = Opentelemetry_Proto_Trace_V1_Span()
        message.traceID = Data(span.context.traceID.bytes)
        message.spanID = Data(span.context.spanID.bytes)
        message.traceState = span.context.traceState.header
        if let parent = span.parentSpanID { message.parentSpanID = Data(parent.bytes) }
        message.flags = flags(span.context.traceFlags, remote: span.parentSpanID == nil ? nil : span.parentIsRemote)
        message.name = span.name
        message.kind = kind(span.kind)
        message.startTimeUnixNano = span.startTime
        message.endTimeUnixNano = span.endTime
        message.attributes = OTLPValues.keyValues(span.attributes)
        message.droppedAttributesCount = UInt32(clamping: span.droppedAttributesCount)
        message.events = span.events.map { event in
            var converted = Opentelemetry_Proto_Trace_V1_Span.Event()
            converted.name = event.name
            converted.timeUnixNano = event.timestamp
            converted.attributes = OTLPValues.keyValues(event.attributes)
            converted.droppedAttributesCount = UInt32(clamping: event.droppedAttributesCount)
            return converted
        }
        message.droppedEventsCount = UInt32(clamping: span.droppedEventsCount)
        message.links = span.links.map { link in
            var converted = Opentelemetry_Proto_Trace_V1_Span.Link()
            converted.traceID = Data(link.context.traceID.bytes)
            converted.spanID = Data(link.context.spanID.bytes)
            converted.traceState = link.context.traceState.header
            converted.attributes = OTLPValues.keyValues(link.attributes)
            converted.droppedAttributesCount = UInt32(clamping: link.droppedAttributesCount)
            converted.flags = flags(link.context.traceFlags, remote: link.context.isRemote)
            return converted
        }
        message.droppedLinksCount = UInt32(clamping: span.droppedLinksCount)
        switch span.status {
        case .unset: break
        case .ok: message.status.code = .ok
        case .error(let description):
            message.status.code = .error
            message.status.message = description
        }
        return message
    }

    /// OTLP `flags`: the W3C trace flags in bits 0–7, bit 8 "remote is known", bit 9 "is remote".
    static func flags(_ traceFlags: TraceFlags, remote: Bool?) -> UInt32 {
        var value = UInt32(traceFlags.rawValue)
        if let remote {
            value |= 0x100
            if remote { value |= 0x200 }
        }
        return value
    }

    static func kind(_ kind: SpanKind) -> Opentelemetry_Proto_Trace_V1_Span.SpanKind {
        switch kind {
        case .internal: return .internal
        case .server: return .server
        case .client: return .client
        case .producer: return .producer
        case .consumer: return .consumer
        }
    }
}
