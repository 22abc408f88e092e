#!/usr/bin/env python3
"""Range-query latency against two Prometheus-compatible servers holding the same data: each
query over the last hour at a 15 s step, alternating servers, several rounds; reports the
median seconds per server and the ratio. Answers are checked to hold the same series count.

Usage: query_latency.py END_SECONDS ROUNDS NAME=URL NAME=URL
"""
import json
import statistics
import sys
import time
import urllib.parse
import urllib.request

QUERIES = [
    "rate(bench_requests_total[5m])",
    "sum by (job) (rate(bench_requests_total[5m]))",
    "histogram_quantile(0.99, sum by (le) (rate(bench_latency_seconds_bucket[5m])))",
]


def run(url, query, end):
    params = urllib.parse.urlencode({"query": query, "start": end - 3600, "end": end, "step": 15})
    began = time.perf_counter()
    with urllib.request.urlopen(f"{url}/api/v1/query_range?{params}", timeout=300) as response:
        body = response.read()
    seconds = time.perf_counter() - began
    answer = json.loads(body)
    if answer.get("status") != "success":
        raise RuntimeError(f"{url}: {query}: {answer}")
    return seconds, len(answer["data"]["result"]), sum(len(s["values"]) for s in answer["data"]["result"])


def main():
    end, rounds = float(sys.argv[1]), int(sys.argv[2])
    servers = [argument.split("=", 1) for argument in sys.argv[3:]]
    report = []
    for query in QUERIES:
        times = {name: [] for name, _ in servers}
        shapes = {}
        for server in servers:  # warm up each once
            run(server[1], query, end)
        for _ in range(rounds):
            for name, url in servers:
                seconds, series, points = run(url, query, end)
                times[name].append(seconds)
                shapes[name] = (series, points)
        medians = {name: statistics.median(values) for name, values in times.items()}
        first, second = servers[0][0], servers[1][0]
        report.append({"query": query, "median_seconds": {k: round(v, 4) for k, v in medians.items()},
                       "ratio": round(medians[first] / medians[second], 3), "series_points": shapes})
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
