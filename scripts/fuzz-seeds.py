#!/usr/bin/env python3
"""Writes the seed inputs of the fuzz corpora (Tests/Fuzz/Corpus/*/seed-*), built with the
official opentelemetry-proto package so they are valid OTLP to start from."""
import json
import os
import sys

from google.protobuf import json_format
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2

corpus = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fuzz", "Corpus")


def write(harness, name, data):
    os.makedirs(os.path.join(corpus, harness), exist_ok=True)
    with open(os.path.join(corpus, harness, "seed-" + name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def attributes(target):
    for key, value in [("s", "text"), ("i", 7), ("d", 2.5), ("b", True)]:
        kv = target.add(key=key)
        if isinstance(value, bool):
            kv.value.bool_value = value
        elif isinstance(value, int):
            kv.value.int_value = value
        elif isinstance(value, float):
            kv.value.double_value = value
        else:
            kv.value.string_value = value
    nested = target.add(key="list")
    nested.value.array_value.values.add(string_value="a")
    kv = nested.value.array_value.values.add().kvlist_value.values.add(key="inner")
    kv.value.bytes_value = b"\x00\x01"


traces = trace_service_pb2.ExportTraceServiceRequest()
rs = traces.resource_spans.add()
rs.resource.attributes.add(key="service.name").value.string_value = "fuzz"
ss = rs.scope_spans.add()
ss.scope.name = "scope"
span = ss.spans.add(trace_id=bytes(range(1, 17)), span_id=bytes(range(1, 9)), name="op", kind=2,
                    start_time_unix_nano=1700000000000000000, end_time_unix_nano=1700000000500000000)
attributes(span.attributes)
span.events.add(name="event", time_unix_nano=1700000000100000000)
span.links.add(trace_id=bytes(range(2, 18)), span_id=bytes(range(2, 10)))
span.status.code = 2

logs = logs_service_pb2.ExportLogsServiceRequest()
rl = logs.resource_logs.add()
rl.resource.attributes.add(key="service.name").value.string_value = "fuzz"
record = rl.scope_logs.add().log_records.add(time_unix_nano=1700000000000000000, severity_number=9,
                                              trace_id=bytes(range(1, 17)), span_id=bytes(range(1, 9)))
record.body.string_value = "hello"
attributes(record.attributes)

metrics = metrics_service_pb2.ExportMetricsServiceRequest()
rm = metrics.resource_metrics.add()
rm.resource.attributes.add(key="service.name").value.string_value = "fuzz"
sm = rm.scope_metrics.add()
counter = sm.metrics.add(name="requests", unit="1")
counter.sum.is_monotonic = True
counter.sum.aggregation_temporality = 2
counter.sum.data_points.add(as_int=3, time_unix_nano=1700000000000000000).attributes.add(key="k").value.string_value = "v"
histogram = sm.metrics.add(name="latency", unit="ms")
histogram.histogram.aggregation_temporality = 2
histogram.histogram.data_points.add(count=3, sum=6.0, bucket_counts=[1, 1, 1], explicit_bounds=[1.0, 2.0])
exponential = sm.metrics.add(name="sizes", unit="By")
exponential.exponential_histogram.aggregation_temporality = 2
point = exponential.exponential_histogram.data_points.add(count=3, sum=6.0, scale=1, zero_count=1)
point.positive.offset = -1
point.positive.bucket_counts.extend([1, 1])
summary = sm.metrics.add(name="quantiles")
summary.summary.data_points.add(count=2, sum=3.0).quantile_values.add(quantile=0.5, value=1.5)
gauge = sm.metrics.add(name="temperature", unit="Cel")
gauge.gauge.data_points.add(as_double=21.5)

for name, message in [("traces", traces), ("logs", logs), ("metrics", metrics)]:
    write("FuzzOTLPProtobuf", name, message.SerializeToString())
    write("FuzzOTLPJSON", name, json.dumps(json_format.MessageToDict(message)))

write("FuzzConfig", "full", """web:
  listen_address: 127.0.0.1:4318
  max_request_body_bytes: 20971520
  connection_limit: 4096
  connection_timeout: 60s
  per_ip_connection_limit: 512
  request_header_timeout: 10s
  max_inflight_body_size: 1GB
storage:
  path: ./data
  retention_time: 7d
  retention_size: 1GB
  max_write_queue_rows: 200000
otlp:
  metric_staleness: 5m
  max_metric_series: 100000
  max_value_size: 64KB
api:
  query_timeout: 30s
  max_concurrent_queries: 8
span_metrics:
  enabled: true
  max_series: 10000
forward:
  endpoint: http://collector:4318
  max_queue_size: 64MB
log:
  level: info
""")
write("FuzzConfig", "duration", "1h30m")
write("FuzzQuery", "search", "/api/traces?service=shop&operation=GET+%2Fcart&tags=k%3D%22a+b%22+n%3D1"
      "&minDuration=250ms&maxDuration=1.5s&start=1700000000&end=2026-01-02T15:04:05Z&limit=20")
write("FuzzQuery", "json-tags", '/api/traces?tags={"http.route":"/a b","error":true}')
write("FuzzQuery", "logs", "/api/logs?traceId=0102030405060708090a0b0c0d0e0f10&severity=WARN&text=50%25&direction=forward")
write("FuzzQuery", "page", "/api/traces/0102030405060708090a0b0c0d0e0f10?limit=10&after=1700000000000000000:0102030405060708")
write("FuzzQuery", "escapes", "/api/services/a%2Fb%00c/operations?limit=5#frag")
for index, query in enumerate([
    'sum by (job) (rate(http_requests_total{code=~"5..",job!="x"}[5m] offset -1m @ start()))',
    'histogram_quantile(0.99, sum without (instance) (rate(h_bucket[5m])))',
    'a / on (x) group_left (y) b unless c or d and -e ^ 2 ^ 3 % 4 atan2 f',
    'max_over_time((foo + bar)[10m:30s] @ 1609746000)',
    'label_replace(up, "a", "$1", "b", "(.*)") > bool 0x1F',
    'topk(5, count_values("v", x)) # comment',
    "quantile(0.9, 'single' == \"x\")",
]):
    write("FuzzPromQL", "query-%d" % index, query)
print("seeds written to", os.path.normpath(corpus), file=sys.stderr)
