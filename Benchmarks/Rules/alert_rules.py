#!/usr/bin/env python3
"""Writes RULES alerting rules in GROUPS groups (15 s interval) over the series of
History/remote_write_load.py (bench_requests_total{job, instance, series} counters and
bench_latency_seconds_bucket{job, instance, le}, 500 hosts, 10 jobs), as alert rules are
usually written: most select one host's series, some a whole job, some a latency quantile;
about half of the per-host rules fire, all carry templated annotations.

Usage: alert_rules.py RULES GROUPS > rules.yml
"""
import sys

count, groups = int(sys.argv[1]), int(sys.argv[2])
lines = ["groups:"]
per_group = (count + groups - 1) // groups
for index in range(count):
    if index % per_group == 0:
        lines += [f"  - name: bench-{index // per_group}", "    interval: 15s", "    rules:"]
    host, job = f"host-{index % 500}:9100", f"job-{index % 10}"
    kind = index % 4
    if kind == 0:
        expr = f'rate(bench_requests_total{{instance="{host}"}}[5m]) > 0.6'
    elif kind == 1:
        expr = f'sum by (job) (rate(bench_requests_total{{job="{job}"}}[5m])) > 1e6'
    elif kind == 2:
        expr = f'histogram_quantile(0.99, sum by (le) (rate(bench_latency_seconds_bucket{{instance="{host}"}}[5m]))) > 0.1'
    else:
        expr = f'absent(bench_requests_total{{job="{job}", instance="{host}"}})'
    lines += [f"      - alert: Bench{index}", f"        expr: '{expr}'", "        for: 1m",
              "        labels: {severity: ticket}",
              "        annotations: {summary: '{{ $labels.instance }} at {{ $value | humanize }}'}"]
print("\n".join(lines))
