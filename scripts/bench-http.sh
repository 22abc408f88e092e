#!/usr/bin/env bash
# Loads a 10,000-series /metrics page from telemetryd and from Debian's prometheus-pushgateway
# (holding the same series) with wrk, one after the other in the same run, and prints the
# requests per second of each and their ratio. Loopback only; each load is bounded in time.
# Usage: scripts/bench-http.sh [seconds per load, default 10]
set -euo pipefail

duration="${1:-10}"
source "$(dirname "$0")/../Benchmarks/harness.sh"
telemetry_port=19100
pushgateway_port=19101

(cd "$root/Benchmarks" && swift build -c release --product ExpositionServer >/dev/null)
"$root/Benchmarks/.build/release/ExpositionServer" "$telemetry_port" >"$work/telemetry.log" 2>&1 &
pids+=($!)
prometheus-pushgateway --web.listen-address="127.0.0.1:$pushgateway_port" --persistence.file="" \
  --log.level=warn >"$work/pushgateway.log" 2>&1 &
pids+=($!)

wait_for() {
  for _ in $(seq 1 100); do curl -sf "$1" >/dev/null && return 0; sleep 0.1; done
  echo "timed out waiting for $1" >&2
  exit 1
}
wait_for "http://127.0.0.1:$telemetry_port/-/ready"
wait_for "http://127.0.0.1:$pushgateway_port/-/ready"

# Push exactly the benchmark families, taken from telemetryd's own page.
curl -sf "http://127.0.0.1:$telemetry_port/metrics" | grep -E '^(# (HELP|TYPE) )?bench_' >"$work/series.txt"
curl -sf --data-binary "@$work/series.txt" "http://127.0.0.1:$pushgateway_port/metrics/job/bench"

count() { curl -sf "http://127.0.0.1:$1/metrics" | grep -vc '^#'; }
echo "series served: telemetryd $(count $telemetry_port), pushgateway $(count $pushgateway_port)"

load() {
  wrk -t2 -c50 -d"${duration}s" --latency "http://127.0.0.1:$1/metrics" | tee "$work/$2.wrk" >&2
  awk '/^Requests\/sec/ {print $2}' "$work/$2.wrk"
}
echo "--- telemetryd" >&2
telemetry_rps=$(load "$telemetry_port" telemetry)
echo "--- prometheus-pushgateway" >&2
pushgateway_rps=$(load "$pushgateway_port" pushgateway)

echo "telemetryd: ${telemetry_rps} req/s; pushgateway: ${pushgateway_rps} req/s; ratio: $(
  awk -v a="$telemetry_rps" -v b="$pushgateway_rps" 'BEGIN { printf "%.2fx", a / b }')"
