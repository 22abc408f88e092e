#!/usr/bin/env bash
# Opening a trace in the dashboard: a 5,000-span and a 50,000-span trace, each opened in a
# fresh headless-Chromium page; median time from navigation to the first waterfall rows
# (page load, API response and render) and to every span loaded. Release telemetryd.
#   Benchmarks/trace-bench.sh [RUNS=5]
set -euo pipefail
source "$(dirname "$0")/harness.sh"
runs="${1:-5}"
telemetryd="$(release_telemetryd)"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$telemetryd" serve --web.listen-address "127.0.0.1:$port" --storage.path "$work/data" --log.level warning &
pids+=("$!")
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/-/ready" >/dev/null && break; sleep 0.1; done
for spans in 5000 50000; do
  python3 "$root/Benchmarks/trace_open.py" "http://127.0.0.1:$port" "$spans" "$runs" | python3 -c '
import json, sys
r = json.load(sys.stdin)
print("open a {:,}-span trace: first rows {} ms after navigation (first page of spans from the API {} ms), "
      "all spans in {} ms (of which API responses {} ms); median of {}".format(
          r["spans"], r["firstRenderMs"], r["firstPageApiMs"], r["allSpansMs"], r["allPagesApiMs"], r["runs"]))'
done
