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
        /// String values cut to the per-value limit.
        var truncatedValues = 0
    }

    static func convert(
        _ request: Request, receivedAt: UInt64, maxValueBytes: Int = AttributeJSON.defaultMaxValueBytes
    ) -> Result {
        var result = Result()
        var json = AttributeJSON(maxValueBytes: maxValueBytes)
        for resourceSpans in request.resourceSpans {
            let resource = resourceSpans.resource.attributes
            let serviceName = json.limited(ServiceName.of(resource))
            let resourceJSON = json.object(resource)
            for scopeSpans in resourceSpans.scopeSpans {
                let scope = scopeSpans.scope
                let scopeJSON = json.object(scope.attributes)
                for span in scopeSpans.spans {
                    if let problem = problem(with: span) {
                        result.rejections.add(problem)
                        continue
                    }
                    result.rows.append(
                        SpanRow(
                            traceID: span.traceID, spanID: span.spanID,
                            parentSpanID: span.parentSpanID.isEmpty ? nil : span.parentSpanID,
                            traceState: json.limited(span.traceState), flags: span.flags, serviceName: serviceName,
                            name: json.limited(span.name), kind: span.kind.rawValue, startUnixNano: span.startTimeUnixNano,
                            endUnixNano: span.endTimeUnixNano, statusCode: span.status.code.rawValue,
                            statusMessage: json.limited(span.status.message), attributes: json.object(span.attributes),
                            droppedAttributesCount: span.droppedAttributesCount, events: eventsJSON(span.events, &json),
                            droppedEventsCount: span.droppedEventsCount, links: linksJSON(span.links, &json),
                            droppedLinksCount: span.droppedLinksCount, resourceAttributes: resourceJSON,
                            scopeName: json.limited(scope.name), scopeVersion: json.limited(scope.version), scopeAttributes: scopeJSON,
                            receivedUnixNano: receivedAt))
                }
            }
        }
        result.truncatedValues = json.truncatedValues
        return result
    }

    private static func problem(with span: Opentelemetry_Proto_Trace_V1_Span) -> String? {
        problem(traceID: span.traceID, spanID: span.spanID, parentSpanIDCount: span.parentSpanID.count, name: span.name)
    }

    /// Why a span with these ids cannot be stored, or nil (`name` is read only for the reason).
    static func problem(traceID: Data, spanID: Data, parentSpanIDCount: Int, name: @autoclosure () -> String) -> String? {
        if traceID.count != 16 || traceID.allSatisfy({ $0 == 0 }) {
            return "span \"\(name())\": trace_id must be 16 bytes and not all zero (got \(traceID.count) bytes)"
        }
        if spanID.count != 8 || spanID.allSatisfy({ $0 == 0 }) {
            return "span \"\(name())\": span_id must be 8 bytes and not all zero (got \(spanID.count) bytes)"
        }
        if parentSpanIDCount != 0, parentSpanIDCount != 8 {
            return "span \"\(name())\": parent_span_id must be empty or 8 bytes (got \(parentSpanIDCount))"
        }
        return nil
    }

    private static func eventsJSON(
        _ events: [Opentelemetry_Proto_Trace_V1_Span.Event], _ json: inout AttributeJSON
    ) -> String {
        var bytes: [UInt8] = [UInt8(ascii: "[")]
        for (index, event) in events.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes += Array("{\"timeUnixNano\":\(event.timeUnixNano),\"name\":".utf8)
            json.appendLimitedString(event.name, to: &bytes)
            bytes += Array(",\"attributes\":\(json.object(event.attributes)),".utf8)
            bytes += Array("\"droppedAttributesCount\":\(event.droppedAttributesCount)}".utf8)
        }
        bytes.append(UInt8(ascii: "]"))
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func linksJSON(
        _ links: [Opentelemetry_Proto_Trace_V1_Span.Link], _ json: inout AttributeJSON
    ) -> String {
        var bytes: [UInt8] = [UInt8(ascii: "[")]
        for (index, link) in links.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes += Array("{\"traceId\":\"\(Hex.encode(link.traceID))\",\"spanId\":\"\(Hex.encode(link.spanID))\",".utf8)
            bytes += Array("\"traceState\":".utf8)
            json.appendLimitedString(link.traceState, to: &bytes)
            bytes += Array(",\"flags\":\(link.flags),\"attributes\":\(json.object(link.attributes)),".utf8)
            bytes += Array("\"droppedAttributesCount\":\(link.droppedAttributesCount)}".utf8)
        }
        bytes.append(UInt8(ascii: "]"))
        return String(decoding: bytes, as: UTF8.self)
    }
}
