"""Builds distinct OTLP trace export payloads (batches of 512 spans with 10 attributes each,
as an instrumented HTTP service produces them) and measures how fast the official
opentelemetry-proto parser (upb, written in C) decodes them.

  payloads.py OUT_FILE COUNT [DECODE_SECONDS] [SPANS_PER_PAYLOAD]

Writes COUNT payloads (of 512 spans unless SPANS_PER_PAYLOAD says otherwise: one-span
payloads measure what each call costs the server) to OUT_FILE, each prefixed by its length (4 bytes, big-endian), and to
OUT_FILE.trace-ids one JSON line per payload: the offsets of every trace id in it (so that
load.py can send each payload with new trace ids without parsing it); then prints one JSON
line: payload size, spans per payload, and upb's decode rate in spans/s.
"""
import json
import os
import random
import struct
import sys
import time

from google.protobuf.internal import api_implementation
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.trace.v1.trace_pb2 import ResourceSpans, ScopeSpans, Span

SPANS = 512
OPERATIONS = ["GET /cart", "POST /checkout", "SELECT orders", "GET /product/{id}", "redis GET", "publish order"]


def attribute(key, value):
    if isinstance(value, bool):
        return KeyValue(key=key, value=AnyValue(bool_value=value))
    if isinstance(value, int):
        return KeyValue(key=key, value=AnyValue(int_value=value))
    if isinstance(value, float):
        return KeyValue(key=key, value=AnyValue(double_value=value))
    return KeyValue(key=key, value=AnyValue(string_value=value))


def payload(rng, now, spans):
    request = ExportTraceServiceRequest()
    resource_spans = request.resource_spans.add()
    for key, value in (("service.name", "checkout"), ("service.version", "1.4.2"), ("host.name", "web-3")):
        resource_spans.resource.attributes.append(attribute(key, value))
    scope_spans = resource_spans.scope_spans.add()
    scope_spans.scope.name = "io.opentelemetry.http"
    scope_spans.scope.version = "1.0.0"
    for index in range(spans):
        position = index % 8
        if position == 0:
            trace_id = rng.randbytes(16)
            parent = b""
        span = scope_spans.spans.add()
        span.trace_id = trace_id
        span.span_id = rng.randbytes(8)
        span.parent_span_id = parent
        parent = span.span_id
        span.name = rng.choice(OPERATIONS)
        span.kind = Span.SPAN_KIND_SERVER if position == 0 else Span.SPAN_KIND_INTERNAL
        span.start_time_unix_nano = now + position * 1000
        span.end_time_unix_nano = span.start_time_unix_nano + rng.randint(10_000, 50_000_000)
        span.status.code = 2 if rng.random() < 0.02 else 0
        span.attributes.extend([
            attribute("http.request.method", "GET"),
            attribute("http.route", "/product/{id}"),
            attribute("http.response.status_code", 200),
            attribute("url.path", f"/product/{rng.randint(1, 100000)}"),
            attribute("server.address", "shop.example.com"),
            attribute("server.port", 443),
            attribute("user_agent.original", "Mozilla/5.0 (X11; Linux x86_64)"),
            attribute("network.protocol.version", "1.1"),
            attribute("app.cache_hit", rng.random() < 0.5),
            attribute("app.items", rng.random() * 100),
        ])
    return request.SerializeToString()


def trace_id_offsets(body):
    """Where the trace ids of the spans (and links) of an ExportTraceServiceRequest occur in
    it, ascending."""
    request = ExportTraceServiceRequest.FromString(body)
    trace_ids = {
        span.trace_id for resource in request.resource_spans for scope in resource.scope_spans for span in scope.spans
    }
    offsets = []
    for trace_id in trace_ids:
        offset = body.find(trace_id)
        while offset != -1:
            offsets.append(offset)
            offset = body.find(trace_id, offset + len(trace_id))
    return sorted(offsets)


def main():
    out, count = sys.argv[1], int(sys.argv[2])
    decode_seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 3.0
    spans = int(sys.argv[4]) if len(sys.argv) > 4 else SPANS
    rng = random.Random(42)
    now = time.time_ns()
    bodies = [payload(rng, now, spans) for _ in range(count)]
    with open(out, "wb") as file:
        for body in bodies:
            file.write(struct.pack(">I", len(body)))
            file.write(body)
    with open(out + ".trace-ids", "w") as file:
        for body in bodies:
            file.write(json.dumps(trace_id_offsets(body)) + "\n")
    decoded = 0
    started = time.perf_counter()
    while time.perf_counter() - started < decode_seconds:
        for body in bodies[:16]:
            message = ExportTraceServiceRequest()
            message.ParseFromString(body)
            decoded += len(message.resource_spans[0].scope_spans[0].spans)
    elapsed = time.perf_counter() - started
    print(json.dumps({
        "payload_bytes": len(bodies[0]), "spans_per_payload": spans,
        "protobuf_implementation": api_implementation.Type(),
        "upb_decode_spans_per_second": round(decoded / elapsed),
    }))


if __name__ == "__main__":
    main()
