#!/usr/bin/env python3
"""An OTLP/gRPC receiver built on grpcio and the official opentelemetry-proto stubs.

Usage: otlp_grpc_receiver.py SPANS LOGS METRIC_EXPORTS [TIMEOUT_SECONDS] [REFUSE_FIRST]

Listens on 127.0.0.1 on a free port and prints "port N" on the first line. Serves the
TraceService, LogsService and MetricsService Export methods, decoding every field of what
arrives. With REFUSE_FIRST=1 the first call of each service is answered UNAVAILABLE with a
google.rpc.RetryInfo detail asking for a 300 ms delay, as a receiver under back-pressure does.
Once SPANS spans, LOGS log records and METRIC_EXPORTS metric exports have arrived (or the
timeout passes) it prints one JSON document describing what it decoded, with each call's
metadata and arrival time, and exits.
"""
import json
import sys
import threading
import time
from concurrent import futures

import grpc
from google.protobuf import any_pb2, duration_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2, logs_service_pb2_grpc
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2, metrics_service_pb2_grpc
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2, trace_service_pb2_grpc
from opentelemetry.proto.logs.v1.logs_pb2 import SeverityNumber

from otlp_values import any_value, attributes, describe_span, origin

expected_spans, expected_logs, expected_metrics = (int(value) for value in sys.argv[1:4])
timeout = float(sys.argv[4]) if len(sys.argv) > 4 else 60
refuse_first = len(sys.argv) > 5 and sys.argv[5] == "1"
report = {"spans": [], "logs": [], "metrics": [], "calls": []}
refused = set()
done = threading.Event()
lock = threading.Lock()


def describe_log(record, resource, scope):
    return {
        "time": record.time_unix_nano, "observedTime": record.observed_time_unix_nano,
        "severityNumber": SeverityNumber.Name(record.severity_number), "severityText": record.severity_text,
        "body": any_value(record.body), "attributes": attributes(record.attributes),
        "traceId": record.trace_id.hex(), "spanId": record.span_id.hex(), "flags": record.flags,
        **origin(resource, scope),
    }


def describe_metric(metric, resource, scope):
    kind = metric.WhichOneof("data")
    data = getattr(metric, kind)
    points = []
    for point in data.data_points:
        entry = {"attributes": attributes(point.attributes), "start": point.start_time_unix_nano, "time": point.time_unix_nano}
        if kind == "histogram":
            entry.update(count=point.count, sum=point.sum, bounds=list(point.explicit_bounds), buckets=list(point.bucket_counts))
        else:
            entry["value"] = point.as_double if point.WhichOneof("value") == "as_double" else point.as_int
        points.append(entry)
    described = {"name": metric.name, "description": metric.description, "unit": metric.unit, "kind": kind, "points": points}
    if kind in ("sum", "histogram"):
        described["temporality"] = data.aggregation_temporality
    if kind == "sum":
        described["monotonic"] = data.is_monotonic
    return {**described, **origin(resource, scope)}


def record_call(service, context):
    metadata = {key: value for key, value in context.invocation_metadata() if not key.endswith("-bin")}
    with lock:
        report["calls"].append({"service": service, "time": time.time(), "metadata": metadata})
        if refuse_first and service not in refused:
            refused.add(service)
            delay = error_details_pb2.RetryInfo(retry_delay=duration_pb2.Duration(nanos=300_000_000))
            detail = any_pb2.Any()
            detail.Pack(delay)
            status = status_pb2.Status(code=code_pb2.UNAVAILABLE, message="busy", details=[detail])
            context.set_trailing_metadata((("grpc-status-details-bin", status.SerializeToString()),))
            return False
    return True


def check_done():
    logs = len(report["logs"])
    if len(report["spans"]) >= expected_spans and logs >= expected_logs and report["metric_exports"] >= expected_metrics:
        done.set()


report["metric_exports"] = 0


class Traces(trace_service_pb2_grpc.TraceServiceServicer):
    def Export(self, request, context):
        if not record_call("traces", context):
            context.abort(grpc.StatusCode.UNAVAILABLE, "busy")
        with lock:
            for resource_spans in request.resource_spans:
                for scope_spans in resource_spans.scope_spans:
                    for span in scope_spans.spans:
                        report["spans"].append(describe_span(span, resource_spans.resource, scope_spans.scope))
            check_done()
        return trace_service_pb2.ExportTraceServiceResponse()


class Logs(logs_service_pb2_grpc.LogsServiceServicer):
    def Export(self, request, context):
        if not record_call("logs", context):
            context.abort(grpc.StatusCode.UNAVAILABLE, "busy")
        with lock:
            for resource_logs in request.resource_logs:
                for scope_logs in resource_logs.scope_logs:
                    for record in scope_logs.log_records:
                        report["logs"].append(describe_log(record, resource_logs.resource, scope_logs.scope))
            check_done()
        return logs_service_pb2.ExportLogsServiceResponse()


class Metrics(metrics_service_pb2_grpc.MetricsServiceServicer):
    def Export(self, request, context):
        if not record_call("metrics", context):
            context.abort(grpc.StatusCode.UNAVAILABLE, "busy")
        with lock:
            report["metric_exports"] += 1
            for resource_metrics in request.resource_metrics:
                for scope_metrics in resource_metrics.scope_metrics:
                    for metric in scope_metrics.metrics:
                        report["metrics"].append(describe_metric(metric, resource_metrics.resource, scope_metrics.scope))
            check_done()
        return metrics_service_pb2.ExportMetricsServiceResponse()


server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
trace_service_pb2_grpc.add_TraceServiceServicer_to_server(Traces(), server)
logs_service_pb2_grpc.add_LogsServiceServicer_to_server(Logs(), server)
metrics_service_pb2_grpc.add_MetricsServiceServicer_to_server(Metrics(), server)
port = server.add_insecure_port("127.0.0.1:0")
server.start()
print(f"port {port}", flush=True)
done.wait(timeout)
server.stop(grace=1)
with lock:
    print(json.dumps(report), flush=True)
