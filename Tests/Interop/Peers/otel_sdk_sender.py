"""Sends traces, metrics and logs to telemetryd with the official OpenTelemetry Python SDK and its
OTLP/HTTP or OTLP/gRPC exporters (PyPI), then prints the ids it used as JSON.

  otel_sdk_sender.py ENDPOINT SERVICE [plain|gzip|deflate|json|grpc|grpc-gzip|grpc-deflate]

For the grpc modes ENDPOINT is the gRPC listener (http://127.0.0.1:4317), plaintext.

The SDK's own HTTP exporters speak protobuf only. For `json`, the same SDK data goes through
the SDK's own OTLP encoders and protobuf's canonical JSON mapping (base64 ids, enum names,
as some SDKs send), posted as application/json.
"""
import json
import logging
import sys

from opentelemetry import trace
from opentelemetry._logs import set_logger_provider
import urllib.request

from google.protobuf import json_format
from opentelemetry.exporter.otlp.proto.common._log_encoder import encode_logs
from opentelemetry.exporter.otlp.proto.common.metrics_encoder import encode_metrics
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.exporter.otlp.proto.http import Compression
from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk._logs import LoggerProvider, LoggingHandler
from opentelemetry.sdk._logs.export import LogExporter, LogExportResult, SimpleLogRecordProcessor
from opentelemetry.metrics import Observation
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import MetricExporter, MetricExportResult, PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.trace import Link, SpanKind, Status, StatusCode

endpoint, service = sys.argv[1], sys.argv[2]
mode = sys.argv[3] if len(sys.argv) > 3 else "plain"
compression = {"gzip": Compression.Gzip, "deflate": Compression.Deflate}.get(mode, Compression.NoCompression)
resource = Resource.create({"service.name": service, "deployment.environment": "test"})


def post_json(path, message):
    request = urllib.request.Request(
        f"{endpoint}{path}", data=json_format.MessageToJson(message).encode(),
        headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request) as response:
        return response.status == 200


class JSONSpanExporter(SpanExporter):
    def export(self, spans):
        return SpanExportResult.SUCCESS if post_json("/v1/traces", encode_spans(spans)) else SpanExportResult.FAILURE


class JSONLogExporter(LogExporter):
    def export(self, batch):
        return LogExportResult.SUCCESS if post_json("/v1/logs", encode_logs(batch)) else LogExportResult.FAILURE

    def force_flush(self, timeout_millis=30_000):
        return True

    def shutdown(self):
        pass


class JSONMetricExporter(MetricExporter):
    def export(self, metrics_data, timeout_millis=10_000, **kwargs):
        ok = post_json("/v1/metrics", encode_metrics(metrics_data))
        return MetricExportResult.SUCCESS if ok else MetricExportResult.FAILURE

    def force_flush(self, timeout_millis=10_000):
        return True

    def shutdown(self, timeout_millis=30_000, **kwargs):
        pass


if mode.startswith("grpc"):
    import grpc
    from opentelemetry.exporter.otlp.proto.grpc._log_exporter import OTLPLogExporter as GRPCLogExporter
    from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter as GRPCMetricExporter
    from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter as GRPCSpanExporter

    grpc_compression = {"grpc-gzip": grpc.Compression.Gzip, "grpc-deflate": grpc.Compression.Deflate}.get(
        mode, grpc.Compression.NoCompression)
    options = dict(endpoint=endpoint, insecure=True, compression=grpc_compression, headers=(("x-tenant", "interop"),))
    span_exporter = GRPCSpanExporter(**options)
    log_exporter = GRPCLogExporter(**options)
    metric_exporter = GRPCMetricExporter(**options)
elif mode == "json":
    span_exporter, log_exporter, metric_exporter = JSONSpanExporter(), JSONLogExporter(), JSONMetricExporter()
else:
    span_exporter = OTLPSpanExporter(endpoint=f"{endpoint}/v1/traces", compression=compression)
    log_exporter = OTLPLogExporter(endpoint=f"{endpoint}/v1/logs", compression=compression)
    metric_exporter = OTLPMetricExporter(endpoint=f"{endpoint}/v1/metrics", compression=compression)

provider = TracerProvider(resource=resource)
provider.add_span_processor(SimpleSpanProcessor(span_exporter))
tracer = provider.get_tracer("interop.sender", "0.1")

logger_provider = LoggerProvider(resource=resource)
logger_provider.add_log_record_processor(SimpleLogRecordProcessor(log_exporter))
set_logger_provider(logger_provider)
logger = logging.getLogger("interop")
logger.addHandler(LoggingHandler(logger_provider=logger_provider))
logger.setLevel(logging.INFO)

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
