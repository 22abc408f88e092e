#!/usr/bin/env python3
"""Writes a heavy rule unit test into DIRECTORY: rules.yml (dozens of recording and alerting
rules over request counters, latency histograms and gauges) and heavy.test.yml (hundreds of
series over a day at 1 m, evaluated every minute, with alert and expression checks every two
hours). The expectations are left empty: the benchmark times the run, and both tools must
report the same failures (the run prints every alert and sample they computed).

Usage: heavy_rule_test.py DIRECTORY [SERIES, default 400] [HOURS, default 24]
"""
import os
import sys

directory = sys.argv[1]
series = int(sys.argv[2]) if len(sys.argv) > 2 else 400
hours = int(sys.argv[3]) if len(sys.argv) > 3 else 24
samples = hours * 60
os.makedirs(directory, exist_ok=True)

services = [f"svc-{i}" for i in range(10)]
bounds = ["0.05", "0.1", "0.25", "0.5", "1", "+Inf"]
rules = ["groups:", "  - name: recording", "    interval: 1m", "    rules:"]
for what in ["requests", "errors"]:
    rules += [f"      - record: service:{what}:rate5m",
              f"        expr: sum by (service) (rate(app_{what}_total[5m]))"]
    rules += [f"      - record: instance:{what}:rate5m",
              f"        expr: sum by (service, instance) (rate(app_{what}_total[5m]))"]
rules += ["      - record: service:error_ratio:rate5m",
          "        expr: service:errors:rate5m / service:requests:rate5m",
          "      - record: service:latency:p99",
          "        expr: histogram_quantile(0.99, sum by (service, le) (rate(app_latency_seconds_bucket[5m])))",
          "      - record: service:latency:p50",
          "        expr: histogram_quantile(0.5, sum by (service, le) (rate(app_latency_seconds_bucket[5m])))",
          "      - record: service:queue:max",
          "        expr: max by (service) (app_queue_depth)",
          "      - record: service:queue:avg1h",
          "        expr: avg by (service) (avg_over_time(app_queue_depth[1h]))"]
for service in services:
    rules += [f"      - record: {service.replace('-', '_')}:requests:increase1h",
              f"        expr: sum by (service) (increase(app_requests_total{{service=\"{service}\"}}[1h]))"]
rules += ["  - name: alerts", "    interval: 1m", "    rules:"]
alerts = [
    ("HighErrorRatio", "service:error_ratio:rate5m > 0.05", "5m", "{{ $labels.service }} fails {{ $value | humanizePercentage }}"),
    ("SlowP99", "service:latency:p99 > 0.4", "10m", "{{ $labels.service }} p99 {{ $value | humanizeDuration }}"),
    ("QueueDeep", "service:queue:max > 80", "2m", "queue of {{ $labels.service }} at {{ $value }}"),
    ("QueueGrowing", "deriv(app_queue_depth[15m]) > 0.05", "10m", "{{ $labels.instance }} queue grows"),
    ("InstanceQuiet", "instance:requests:rate5m < 0.2", "15m", "{{ $labels.instance }} gets {{ $value | humanize }} req/s"),
    ("TrafficDrop", "service:requests:rate5m < 0.7 * service:requests:rate5m offset 1h", "10m", "{{ $labels.service }} traffic dropped"),
    ("ErrorBurst", "increase(app_errors_total[10m]) > 30", "0s", "{{ $labels.instance }}: {{ $value }} errors"),
    ("LatencyOutlier", "histogram_quantile(0.9, rate(app_latency_seconds_bucket[5m])) > 0.5", "5m", "{{ $labels.instance }} p90"),
    ("NoRequests", "absent(app_requests_total{service=\"svc-0\"})", "1m", "svc-0 silent"),
    ("QueueStuck", "changes(app_queue_depth[30m]) == 0", "5m", "{{ $labels.instance }} stuck"),
]
for name, expr, hold, summary in alerts:
    rules += [f"      - alert: {name}", f"        expr: {expr}", f"        for: {hold}",
              "        labels: {severity: page}", f"        annotations: {{summary: '{summary}'}}"]
with open(os.path.join(directory, "rules.yml"), "w") as out:
    out.write("\n".join(rules) + "\n")

# Series: per instance a request counter, an error counter, a queue gauge and six buckets.
lines = ["rule_files: [rules.yml]", "evaluation_interval: 1m", "tests:", "  - interval: 1m", "    input_series:"]
per_instance = 9
instances = max(1, series // per_instance)
for index in range(instances):
    service = services[index % len(services)]
    labels = f'service="{service}", instance="host-{index}:8080"'
    rate = 20 + index % 17
    errors = index % 5
    lines.append(f"      - series: 'app_requests_total{{{labels}}}'")
    lines.append(f"        values: '0+{rate}x{samples // 2} {rate * (samples // 2)}+{rate // 2}x{samples - samples // 2}'")
    lines.append(f"      - series: 'app_errors_total{{{labels}}}'")
    lines.append(f"        values: '0+{errors}x{samples}'")
    lines.append(f"      - series: 'app_queue_depth{{{labels}}}'")
    lines.append(f"        values: '{index % 40}+0.1x{samples // 3} _x3 {index % 40 + 20}x{samples - samples // 3 - 3}'")
    cumulative = 0
    for position, bound in enumerate(bounds):
        cumulative += 2 + (position * index) % 5
        lines.append(f"      - series: 'app_latency_seconds_bucket{{{labels}, le=\"{bound}\"}}'")
        lines.append(f"        values: '0+{cumulative}x{samples}'")
lines.append("    alert_rule_test:")
for hour in range(2, hours + 1, 2):
    for name, *_ in alerts:
        lines.append(f"      - {{eval_time: {hour}h, alertname: {name}}}")
lines.append("    promql_expr_test:")
for hour in range(2, hours + 1, 2):
    for expr in ["service:error_ratio:rate5m", "service:latency:p99", "service:queue:avg1h"]:
        lines.append(f"      - {{expr: '{expr}', eval_time: {hour}h, exp_samples: []}}")
with open(os.path.join(directory, "heavy.test.yml"), "w") as out:
    out.write("\n".join(lines) + "\n")
print(f"{instances * per_instance} series x {samples} samples, {len(rules)} rule lines", file=sys.stderr)
