"""Sends traces and logs to telemetryd with the official OpenTelemetry Python SDK and its
OTLP/HTTP exporters (PyPI), then prints the ids it used as JSON.

  otel_sdk_sender.py ENDPOINT SERVICE [gzip]
"""
import json
import logging
import sys

from opentelemetry import trace
from opentelemetry._logs import set_logger_provider
from opentelemetry.exporter.otlp.proto.http import Compression
from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk._logs import LoggerProvider, LoggingHandler
from opentelemetry.sdk._logs.export import SimpleLogRecordProcessor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.trace import Link, SpanKind, Status, StatusCode

endpoint, service = sys.argv[1], sys.argv[2]
compression = Compression.Gzip if len(sys.argv) > 3 and sys.argv[3] == "gzip" else Compression.NoCompression
resource = Resource.create({"service.name": service, "deployment.environment": "test"})

span_exporter = OTLPSpanExporter(endpoint=f"{endpoint}/v1/traces", compression=compression)
provider = TracerProvider(resource=resource)
provider.add_span_processor(SimpleSpanProcessor(span_exporter))
tracer = provider.get_tracer("interop.sender", "0.1")

log_exporter = OTLPLogExporter(endpoint=f"{endpoint}/v1/logs", compression=compression)
logger_provider = LoggerProvider(resource=resource)
logger_provider.add_log_record_processor(SimpleLogRecordProcessor(log_exporter))
set_logger_provider(logger_provider)
logger = logging.getLogger("interop")
logger.addHandler(LoggingHandler(logger_provider=logger_provider))
logger.setLevel(logging.INFO)

with tracer.start_as_current_span("linked-job") as linked:
    linked_context = linked.get_span_context()

with tracer.start_as_current_span("checkout", kind=SpanKind.SERVER, attributes={"http.route": "/checkout", "items": 3}) as root:
    root.add_event("validated", {"cart.size": 3})
    with tracer.start_as_current_span("charge card", kind=SpanKind.CLIENT, links=[Link(linked_context, {"reason": "batch"})]) as child:
        child.set_status(Status(StatusCode.ERROR, "card declined"))
        logger.error("payment failed for order %s", "A-17")
    root_context = root.get_span_context()
    child_context = child.get_span_context()

provider.shutdown()
logger_provider.shutdown()
print(json.dumps({
    "trace_id": format(root_context.trace_id, "032x"),
    "root_span_id": format(root_context.span_id, "016x"),
    "child_span_id": format(child_context.span_id, "016x"),
    "linked_trace_id": format(linked_context.trace_id, "032x"),
    "linked_span_id": format(linked_context.span_id, "016x"),
}))
