#!/usr/bin/env bash
# End-to-end OTLP ingest benchmark: spans per second stored by telemetryd (acknowledged with
# 200, so committed to SQLite) for batches of 512 spans with 10 attributes each, sent by
# several concurrent clients; and, in the same run on the same payloads, the decode rate of
# the official opentelemetry-proto parser (upb, C); then the same payloads over OTLP/gRPC
# (grpcio clients, one HTTP/2 connection each) beside the OTLP/HTTP figure. Then an overload phase with many clients
# and a small write queue: the server must answer 503 with Retry-After and keep its memory flat.
#
# Usage: Benchmarks/ingest-bench.sh [seconds per phase, default 10] [clients, default 4]
set -euo pipefail

duration="${1:-10}"
clients="${2:-4}"
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
port=19300
grpc_port=19317
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

(cd "$root" && swift build -c release --product telemetryd >/dev/null)
binary="$root/.build/release/telemetryd"

echo "--- payloads and the Python upb decode rate" >&2
python3 "$root/Benchmarks/Ingest/payloads.py" "$work/payloads.bin" 200 5 | tee "$work/decode.json" >&2

metric() { curl -sf "http://127.0.0.1:$port/metrics" | awk -v name="$1" '$1 == name {print $2}'; }
# The server's CPU time so far (user + system), in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
# The server's CPU µs per span since `cpu_ticks` read $1 and the span counter read $2 ($3 now).
cpu_per_span() {
  python3 -c "print(round(($(cpu_ticks) - $1) / $(getconf CLK_TCK) * 1e6 / max(1, $3 - $2), 1))"
}
start_server() {
  rm -rf "$work/data"
  "$binary" serve --web.listen-address "127.0.0.1:$port" --otlp.grpc.listen-address "127.0.0.1:$grpc_port" \
    --storage.path "$work/data" --log.level warning \
    ${1:+--config.file "$1"} >"$work/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/-/ready" >/dev/null && return 0; sleep 0.1; done
  echo "telemetryd did not start" >&2
  exit 1
}
stop_server() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""; }

echo "--- ingest: $clients clients for ${duration}s" >&2
start_server
before=$(metric telemetryd_receiver_received_spans_total)
cpu_before=$(cpu_ticks)
python3 "$root/Benchmarks/Ingest/load.py" "http://127.0.0.1:$port" "$work/payloads.bin" "$clients" "$duration" \
  | tee "$work/load.json" >&2
after=$(metric telemetryd_receiver_received_spans_total)
http_cpu=$(cpu_per_span "$cpu_before" "$before" "$after")
seconds=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["seconds"])' "$work/load.json")
stored=$(python3 -c "print(round(($after - $before) / $seconds))")
rss=$(metric process_resident_memory_bytes)
stop_server

echo "--- ingest over OTLP/gRPC: $clients clients for ${duration}s" >&2
start_server
before=$(metric telemetryd_receiver_received_spans_total)
cpu_before=$(cpu_ticks)
(cd "$root/Benchmarks/Ingest" && python3 grpc_load.py "127.0.0.1:$grpc_port" "$work/payloads.bin" "$clients" "$duration") \
  | tee "$work/grpc-load.json" >&2
after=$(metric telemetryd_receiver_received_spans_total)
grpc_cpu=$(cpu_per_span "$cpu_before" "$before" "$after")
seconds=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["seconds"])' "$work/grpc-load.json")
grpc_stored=$(python3 -c "print(round(($after - $before) / $seconds))")
stop_server

echo "--- overload: $((clients * 4)) clients, write queue of 2,048 rows, ${duration}s" >&2
printf 'storage:\n  max_write_queue_rows: 2048\n' >"$work/overload.yml"
start_server "$work/overload.yml"
rss_samples=()
python3 "$root/Benchmarks/Ingest/load.py" "http://127.0.0.1:$port" "$work/payloads.bin" "$((clients * 4))" "$duration" \
  >"$work/overload.json" &
loader=$!
while kill -0 "$loader" 2>/dev/null; do
  rss_samples+=("$(metric process_resident_memory_bytes)")
  sleep 1
done
wait "$loader"
cat "$work/overload.json" >&2
dropped=$(metric telemetryd_receiver_dropped_spans_total)
stop_server

python3 - "$work/decode.json" "$stored" "$rss" "$work/overload.json" "$dropped" "$grpc_stored" "$http_cpu" "$grpc_cpu" \
  "${rss_samples[@]}" <<'PY'
import json, sys
decode = json.load(open(sys.argv[1]))
stored, rss = int(sys.argv[2]), int(float(sys.argv[3]))
overload, dropped = json.load(open(sys.argv[4])), int(float(sys.argv[5]))
grpc_stored = int(sys.argv[6])
http_cpu, grpc_cpu = float(sys.argv[7]), float(sys.argv[8])
samples = [int(float(s)) for s in sys.argv[9:] if s]
upb = decode["upb_decode_spans_per_second"]
print(f"payload: {decode['spans_per_payload']} spans, {decode['payload_bytes']} bytes ({decode['protobuf_implementation']})")
print(f"telemetryd stored:        {stored:>10,} spans/s (decode + convert + SQLite commit, RSS {rss / 2**20:.0f} MiB)")
print(f"python upb decode only:   {upb:>10,} spans/s")
print(f"ratio stored / upb decode: {stored / upb:.3f}")
print(f"telemetryd stored, gRPC:  {grpc_stored:>10,} spans/s (same payloads over OTLP/gRPC)")
print(f"ratio gRPC / HTTP:         {grpc_stored / stored:.3f}")
# The clients share the machine with the server: the server's own CPU time per span shows
# what each protocol costs it, apart from how much CPU the client library takes.
print(f"server CPU per span:       HTTP {http_cpu} µs, gRPC {grpc_cpu} µs (ratio {grpc_cpu / http_cpu:.3f})")
statuses = overload["statuses"]
print(f"overload statuses: {statuses}; spans refused with 503: {dropped:,}")
if samples:
    print(f"overload RSS MiB per second: {[round(s / 2**20) for s in samples]}")
PY
