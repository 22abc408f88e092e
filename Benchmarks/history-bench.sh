#!/usr/bin/env bash
# Metric history against Debian's Prometheus 2.42, in one run on the same data:
#  - ingest: a day of 15 s samples for SERIES series (half counters, half histogram buckets)
#    sent by remote write from CLIENTS concurrent clients; samples per second accepted;
#  - size: bytes per sample on disk (after a graceful stop) and resident memory after ingest;
#  - query latency: rate, sum by (job) of rate, and histogram_quantile over the last hour at a
#    15 s step, median of several rounds, telemetryd / Prometheus.
#
# Usage: Benchmarks/history-bench.sh [series, default 10000] [hours, default 24] [clients, default 4]
set -euo pipefail

series="${1:-10000}"
hours="${2:-24}"
clients="${3:-4}"
source "$(dirname "$0")/harness.sh"
ours_port=19400
theirs_port=19401
binary=$(release_telemetryd)
rss() { awk '/VmRSS/ {print $2 * 1024}' "/proc/$1/status"; }
wait_ready() {
  for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$1/-/ready" >/dev/null && return 0; sleep 0.1; done
  echo "server on port $1 did not start" >&2
  exit 1
}

printf 'history:\n  max_series: 1000000\n' >"$work/telemetryd.yml"
"$binary" serve --web.listen-address "127.0.0.1:$ours_port" --storage.path "$work/telemetryd" \
  --config.file "$work/telemetryd.yml" --log.level warning >"$work/telemetryd.log" 2>&1 &
ours=$!
pids+=("$ours")
wait_ready "$ours_port"
echo "--- telemetryd: remote write of $hours h x $series series from $clients clients" >&2
python3 "$root/Benchmarks/History/remote_write_load.py" "http://127.0.0.1:$ours_port/api/v1/write" \
  "$series" "$hours" "$clients" | tee "$work/ours.json" >&2
ours_rss=$(rss "$ours")

printf 'global:\n  scrape_interval: 1h\n' >"$work/prometheus.yml"
prometheus --config.file "$work/prometheus.yml" --storage.tsdb.path "$work/prometheus" \
  --web.listen-address "127.0.0.1:$theirs_port" --web.enable-remote-write-receiver --log.level warn \
  >"$work/prometheus.log" 2>&1 &
theirs=$!
pids+=("$theirs")
wait_ready "$theirs_port"
echo "--- Prometheus: the same load" >&2
python3 "$root/Benchmarks/History/remote_write_load.py" "http://127.0.0.1:$theirs_port/api/v1/write" \
  "$series" "$hours" "$clients" | tee "$work/theirs.json" >&2
theirs_rss=$(rss "$theirs")

end=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["end_ms"] / 1000)' "$work/ours.json")
echo "--- range queries over the last hour at 15 s (median of 5 rounds)" >&2
python3 "$root/Benchmarks/History/query_latency.py" "$end" 5 \
  "telemetryd=http://127.0.0.1:$ours_port" "prometheus=http://127.0.0.1:$theirs_port" | tee "$work/queries.json" >&2

kill -TERM "$ours" "$theirs"
wait "$ours" "$theirs" 2>/dev/null || true
pids=()
ours_disk=$(du -sb "$work/telemetryd/metrics.sqlite"* | awk '{s += $1} END {print s}')
ours_used=$(python3 -c '
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(db.execute("PRAGMA page_size").fetchone()[0] * (db.execute("PRAGMA page_count").fetchone()[0] - db.execute("PRAGMA freelist_count").fetchone()[0]))
' "$work/telemetryd/metrics.sqlite")
theirs_disk=$(du -sb "$work/prometheus" | awk '{print $1}')

python3 - "$work" "$ours_rss" "$theirs_rss" "$ours_disk" "$ours_used" "$theirs_disk" <<'PY'
import json, sys
work, ours_rss, theirs_rss, ours_disk, ours_used, theirs_disk = sys.argv[1], *map(int, sys.argv[2:])
ours, theirs = json.load(open(f"{work}/ours.json")), json.load(open(f"{work}/theirs.json"))
queries = json.load(open(f"{work}/queries.json"))
samples = ours["samples"]
print(f"ingest (remote write, {ours['series']} series, {samples:,} samples):")
print(f"  telemetryd {ours['samples_per_second']:>12,} samples/s   Prometheus {theirs['samples_per_second']:>12,} samples/s"
      f"   ratio {ours['samples_per_second'] / theirs['samples_per_second']:.2f}")
print(f"disk after a graceful stop:")
print(f"  telemetryd {ours_disk / samples:.3f} bytes/sample (file; {ours_used / samples:.3f} in used pages)"
      f"   Prometheus {theirs_disk / samples:.3f} bytes/sample")
print(f"resident memory after ingest:")
print(f"  telemetryd {ours_rss / 2**20:.0f} MiB   Prometheus {theirs_rss / 2**20:.0f} MiB   ratio {ours_rss / theirs_rss:.2f}")
print("range queries, last hour at 15 s (median seconds):")
for q in queries:
    m = q["median_seconds"]
    print(f"  {q['query']}\n    telemetryd {m['telemetryd']:.4f}   Prometheus {m['prometheus']:.4f}   ratio {q['ratio']:.2f}"
          f"   (series, points: {q['series_points']['telemetryd']} vs {q['series_points']['prometheus']})")
PY
