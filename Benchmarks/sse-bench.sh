#!/usr/bin/env bash
# Event-stream fan-out: CLIENTS browsers' worth of connections on /api/v1/events, each getting
# a view refreshed every 250 ms (4 events/s), against a release telemetryd. Reports the
# delivery delay percentiles (receive time minus evaluation time), telemetryd's CPU over the
# window and its resident memory before the clients connect and at the end.
#   Benchmarks/sse-bench.sh [CLIENTS=1000] [SECONDS=30]
set -euo pipefail
source "$(dirname "$0")/harness.sh"
clients="${1:-1000}"
seconds="${2:-30}"
ulimit -n 65536 || true

telemetryd="$(release_telemetryd)"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$work/config.yml" <<YAML
web:
  per_ip_connection_limit: 0
  connection_limit: $((clients + 100))
  max_event_clients: $((clients + 10))
YAML
"$telemetryd" serve --config.file "$work/config.yml" --web.listen-address "127.0.0.1:$port" \
  --storage.path "$work/data" --log.level warning &
server=$!
pids+=("$server")
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/-/ready" >/dev/null && break; sleep 0.1; done
curl -sf -X POST "http://127.0.0.1:$port/api/v1/views" -H 'Content-Type: application/json' \
  -d '{"id":"bench","title":"Resident memory","expr":"process_resident_memory_bytes","chart":"stat","refresh":"250ms"}' >/dev/null

rss() { awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$server/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }
rss_before=$(rss)
python3 "$root/Benchmarks/sse_clients.py" "$port" "$clients" "$seconds" > "$work/result.json" &
load=$!
# The measurement window starts once every client is connected (3 s plus 2 ms per client).
sleep "$(python3 -c "print(3 + $clients / 500)")"
ticks_start=$(cpu_ticks)
sleep "$seconds"
ticks_end=$(cpu_ticks)
rss_during=$(rss)
wait "$load"
hz=$(getconf CLK_TCK)
python3 - "$work/result.json" "$rss_before" "$rss_during" "$ticks_start" "$ticks_end" "$hz" "$seconds" <<'PY'
import json, sys
result = json.load(open(sys.argv[1]))
before, during = int(sys.argv[2]), int(sys.argv[3])
cpu = (int(sys.argv[5]) - int(sys.argv[4])) / int(sys.argv[6]) / float(sys.argv[7])
print(f"SSE fan-out: {result['clients']} clients, {result['eventsPerClientPerSecond']} events/s each, "
      f"{result['events']} events measured, {result['failures']} failures {result['firstFailure'] or ''}")
print(f"  delivery delay p50 {result['p50Ms']} ms, p90 {result['p90Ms']} ms, p99 {result['p99Ms']} ms, max {result['maxMs']} ms")
print(f"  telemetryd CPU {cpu * 100:.1f}% of a core; RSS {before} MiB before the clients, {during} MiB with them "
      f"(+{during - before} MiB)")
PY
