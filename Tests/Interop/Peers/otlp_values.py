"""What the Python receiver peers report of OTLP messages: attribute values as JSON and spans
with every field, decoded by the official opentelemetry-proto classes."""
from opentelemetry.proto.trace.v1.trace_pb2 import Span, Status


def any_value(value):
    kind = value.WhichOneof("value")
    if kind == "array_value":
        return [any_value(item) for item in value.array_value.values]
    if kind == "kvlist_value":
        return {pair.key: any_value(pair.value) for pair in value.kvlist_value.values}
    if kind == "bytes_value":
        return value.bytes_value.hex()
    return getattr(value, kind) if kind else None


def attributes(pairs):
    return {pair.key: any_value(pair.value) for pair in pairs}


def origin(resource, scope):
    return {"resource": attributes(resource.attributes), "scope": {"name": scope.name, "version": scope.version}}


def describe_span(span, resource, scope):
    return {
        "traceId": span.trace_id.hex(),
        "spanId": span.span_id.hex(),
        "parentSpanId": span.parent_span_id.hex(),
        "traceState": span.trace_state,
        "flags": span.flags,
        "name": span.name,
        "kind": Span.SpanKind.Name(span.kind),
        "start": span.start_time_unix_nano,
        "end": span.end_time_unix_nano,
        "attributes": attributes(span.attributes),
        "droppedAttributes": span.dropped_attributes_count,
        "events": [{"name": e.name, "time": e.time_unix_nano, "attributes": attributes(e.attributes)} for e in span.events],
        "links": [
            {"traceId": l.trace_id.hex(), "spanId": l.span_id.hex(), "attributes": attributes(l.attributes)}
            for l in span.links
        ],
        "status": {"code": Status.StatusCode.Name(span.status.code), "message": span.status.message},
        **origin(resource, scope),
    }
