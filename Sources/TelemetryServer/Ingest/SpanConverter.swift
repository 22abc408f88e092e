import Foundation
import OTLP

/// Turns an OTLP trace export into rows, rejecting spans that cannot be stored.
///
/// A span is rejected when its trace id is not 16 bytes or all zero, its span id not 8 bytes or
/// all zero, or its parent id neither empty nor 8 bytes. The first reason is reported in
/// `partial_success.error_message`.
enum SpanConverter {
    typealias Request = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest

    struct Result {
        var rows: [SpanRow] = []
        var rejections = Rejections()
    }

    static func convert(_ request: Request, receivedAt: UInt64) -> Result {
        var result = Result()
        for resourceSpans in request.resourceSpans {
            let resource = resourceSpans.resource.attributes
            let serviceName = ServiceName.of(resource)
            let resourceJSON = AttributeJSON.object(resource)
            for scopeSpans in resourceSpans.scopeSpans {
                let scope = scopeSpans.scope
                let scopeJSON = AttributeJSON.object(scope.attributes)
                for span in scopeSpans.spans {
                    if let problem = problem(with: span) {
                        result.rejections.add(problem)
                        continue
                    }
                    result.rows.append(
                        SpanRow(
                            traceID: span.traceID, spanID: span.spanID,
                            parentSpanID: span.parentSpanID.isEmpty ? nil : span.parentSpanID,
                            traceState: span.traceState, flags: span.flags, serviceName: serviceName,
                            name: span.name, kind: span.kind.rawValue, startUnixNano: span.startTimeUnixNano,
                            endUnixNano: span.endTimeUnixNano, statusCode: span.status.code.rawValue,
                            statusMessage: span.status.message, attributes: AttributeJSON.object(span.attributes),
                            droppedAttributesCount: span.droppedAttributesCount, events: eventsJSON(span.events),
                            droppedEventsCount: span.droppedEventsCount, links: linksJSON(span.links),
                            droppedLinksCount: span.droppedLinksCount, resourceAttributes: resourceJSON,
                            scopeName: scope.name, scopeVersion: scope.version, scopeAttributes: scopeJSON,
                            receivedUnixNano: receivedAt))
                }
            }
        }
        return result
    }

    private static func problem(with span: Opentelemetry_Proto_Trace_V1_Span) -> String? {
        if span.traceID.count != 16 || span.traceID.allSatisfy({ $0 == 0 }) {
            return "span \"\(span.name)\": trace_id must be 16 bytes and not all zero (got \(span.traceID.count) bytes)"
        }
        if span.spanID.count != 8 || span.spanID.allSatisfy({ $0 == 0 }) {
            return "span \"\(span.name)\": span_id must be 8 bytes and not all zero (got \(span.spanID.count) bytes)"
        }
        if !span.parentSpanID.isEmpty, span.parentSpanID.count != 8 {
            return "span \"\(span.name)\": parent_span_id must be empty or 8 bytes (got \(span.parentSpanID.count))"
        }
        return nil
    }

    private static func eventsJSON(_ events: [Opentelemetry_Proto_Trace_V1_Span.Event]) -> String {
        "[" + events.map { event in
            var name = ""
            AttributeJSON.appendString(event.name, to: &name)
            return "{\"timeUnixNano\":\(event.timeUnixNano),\"name\":\(name),\"attributes\":"
                + "\(AttributeJSON.object(event.attributes)),\"droppedAttributesCount\":\(event.droppedAttributesCount)}"
        }.joined(separator: ",") + "]"
    }

    private static func linksJSON(_ links: [Opentelemetry_Proto_Trace_V1_Span.Link]) -> String {
        "[" + links.map { link in
            var state = ""
            AttributeJSON.appendString(link.traceState, to: &state)
            return "{\"traceId\":\"\(Hex.encode(link.traceID))\",\"spanId\":\"\(Hex.encode(link.spanID))\","
                + "\"traceState\":\(state),\"flags\":\(link.flags),\"attributes\":\(AttributeJSON.object(link.attributes)),"
                + "\"droppedAttributesCount\":\(link.droppedAttributesCount)}"
        }.joined(separator: ",") + "]"
    }
}
