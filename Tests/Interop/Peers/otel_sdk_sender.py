"""Sends traces, metrics and logs to telemetryd with the official OpenTelemetry Python SDK and its
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
from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk._logs import LoggerProvider, LoggingHandler
from opentelemetry.sdk._logs.export import SimpleLogRecordProcessor
from opentelemetry.metrics import Observation
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
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

metric_exporter = OTLPMetricExporter(endpoint=f"{endpoint}/v1/metrics", compression=compression)
reader = PeriodicExportingMetricReader(metric_exporter, export_interval_millis=3_600_000)
meter_provider = MeterProvider(resource=resource, metric_readers=[reader])
meter = meter_provider.get_meter("interop.sender", "0.1")
orders = meter.create_counter("orders", unit="{order}", description="Orders placed.")
orders.add(5, {"region": "eu"})
orders.add(2, {"region": "us"})
queue = meter.create_up_down_counter("queue.depth", description="Queued orders.")
queue.add(7)
queue.add(-3)
durations = meter.create_histogram("checkout.duration", unit="s", description="Checkout time.")
for value in (3, 20, 20, 700):
    durations.record(value, {"region": "eu"})
meter.create_observable_gauge(
    "oven.temperature", callbacks=[lambda options: [Observation(-3.5, {"oven": "1"})]], unit="Cel")

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
meter_provider.force_flush()
meter_provider.shutdown()
print(json.dumps({
    "trace_id": format(root_context.trace_id, "032x"),
    "root_span_id": format(root_context.span_id, "016x"),
    "child_span_id": format(child_context.span_id, "016x"),
    "linked_trace_id": format(linked_context.trace_id, "032x"),
    "linked_span_id": format(linked_context.span_id, "016x"),
}))
