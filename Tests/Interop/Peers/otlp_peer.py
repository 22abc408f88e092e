"""A peer built on the official opentelemetry-proto package (PyPI) for interop tests.

  otlp_peer.py make-traces   writes a binary ExportTraceServiceRequest with every span field set
  otlp_peer.py read-traces   reads a binary ExportTraceServiceRequest from stdin, prints it as JSON
"""
import json
import sys

from google.protobuf.json_format import MessageToDict
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, ArrayValue, KeyValue
from opentelemetry.proto.trace.v1.trace_pb2 import Span, Status

TRACE_ID = bytes.fromhex("4bf92f3577b34da6a3ce929d0e0e4736")
SPAN_ID = bytes.fromhex("00f067aa0ba902b7")
PARENT_ID = bytes.fromhex("53995c3f42cd8ad8")
LINKED_TRACE = bytes.fromhex("0af7651916cd43dd8448eb211c80319c")
LINKED_SPAN = bytes.fromhex("b7ad6b7169203331")


def make_traces():
    request = ExportTraceServiceRequest()
    resource_spans = request.resource_spans.add()
    resource_spans.resource.attributes.append(KeyValue(key="service.name", value=AnyValue(string_value="checkout")))
    resource_spans.schema_url = "https://opentelemetry.io/schemas/1.26.0"
    scope_spans = resource_spans.scope_spans.add()
    scope_spans.scope.name = "interop"
    scope_spans.scope.version = "1.2.3"
    span = scope_spans.spans.add()
    span.trace_id = TRACE_ID
    span.span_id = SPAN_ID
    span.parent_span_id = PARENT_ID
    span.trace_state = "vendor=value"
    span.flags = 0x301
    span.name = "GET /cart"
    span.kind = Span.SPAN_KIND_SERVER
    span.start_time_unix_nano = 1_700_000_000_000_000_000
    span.end_time_unix_nano = 1_700_000_000_250_000_000
    span.attributes.extend([
        KeyValue(key="http.method", value=AnyValue(string_value="GET")),
        KeyValue(key="http.status_code", value=AnyValue(int_value=200)),
        KeyValue(key="cache.hit", value=AnyValue(bool_value=True)),
        KeyValue(key="load", value=AnyValue(double_value=0.75)),
        KeyValue(key="tags", value=AnyValue(array_value=ArrayValue(values=[AnyValue(string_value="a"), AnyValue(int_value=2)]))),
    ])
    span.dropped_attributes_count = 3
    event = span.events.add()
    event.time_unix_nano = 1_700_000_000_100_000_000
    event.name = "cache miss"
    event.attributes.append(KeyValue(key="key", value=AnyValue(string_value="cart:42")))
    link = span.links.add()
    link.trace_id = LINKED_TRACE
    link.span_id = LINKED_SPAN
    link.flags = 1
    span.status.code = Status.STATUS_CODE_ERROR
    span.status.message = "upstream timeout"
    sys.stdout.buffer.write(request.SerializeToString())


def read_traces():
    request = ExportTraceServiceRequest()
    request.ParseFromString(sys.stdin.buffer.read())
    print(json.dumps(MessageToDict(request, preserving_proto_field_name=True), sort_keys=True))


if __name__ == "__main__":
    {"make-traces": make_traces, "read-traces": read_traces}[sys.argv[1]]()
