#!/usr/bin/env bash
# End-to-end OTLP ingest benchmark: spans per second stored by telemetryd (acknowledged with
# 200, so committed to SQLite) for batches of 512 spans with 10 attributes each, sent by
# several concurrent clients (new trace ids on every send, so every span is a new row); and, in
# the same run on the same payloads, the decode rate of
# the official opentelemetry-proto parser (upb, C). The same payloads go over OTLP/HTTP
# (http.client) and OTLP/gRPC (grpcio, one HTTP/2 connection per client) in alternating phases,
# each on a fresh server, with the server's CPU time per span and its threads' context
# switches per request beside the rates. The Python clients differ in their own CPU (grpcio
# takes more than http.client, on the same two cores), so the same rounds run again with one C
# client for both protocols (h2load, one payload repeated): what is left is the server's.
# Then the same client sends one-span exports over both protocols, so that what each call costs
# the server, apart from its spans, shows. Then an overload phase with many clients and a small
# write queue: the server must answer 503 with Retry-After and keep its memory flat.
#
# Usage: Benchmarks/ingest-bench.sh [seconds per phase, default 10] [clients, default 4]
#        [rounds of HTTP then gRPC, default 2]
set -euo pipefail

duration="${1:-10}"
clients="${2:-4}"
rounds="${3:-2}"
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
# Times the server's threads have given up the CPU so far (voluntary context switches).
switches() { cat /proc/"$pid"/task/*/status 2>/dev/null | awk '/^voluntary_ctxt_switches/ {s += $2} END {print s}'; }
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

# One phase: a fresh server, $clients clients of one protocol (HTTP or gRPC) for $duration
# seconds, Python's client libraries or (with a second argument "h2load") h2load. Appends
# "spans seconds server_cpu_ticks context_switches requests client_cpu_seconds" to
# $work/<protocol><client><kind>.phases. A third argument "per-call" sends one-span exports.
phase() {
  local protocol="$1" client="${2:-}" kind="${3:-}"
  local payloads="$work/payloads.bin"
  [ "$kind" = per-call ] && payloads="$work/single.bin"
  echo "--- ingest over OTLP/$protocol${client:+ ($client)}${kind:+, $kind}: $clients clients for ${duration}s" >&2
  start_server
  local before after cpu_before switches_before seconds calls client_cpu load
  before=$(metric telemetryd_receiver_received_spans_total)
  cpu_before=$(cpu_ticks)
  switches_before=$(switches)
  case "$protocol${client:+ $client}" in
    HTTP) load=(load.py "http://127.0.0.1:$port") ;;
    gRPC) load=(grpc_load.py "127.0.0.1:$grpc_port") ;;
    "HTTP h2load") load=(h2load_load.py http "http://127.0.0.1:$port/v1/traces") ;;
    "gRPC h2load")
      load=(h2load_load.py grpc "http://127.0.0.1:$grpc_port/opentelemetry.proto.collector.trace.v1.TraceService/Export") ;;
  esac
  (cd "$root/Benchmarks/Ingest" && python3 "${load[@]}" "$payloads" "$clients" "$duration") | tee "$work/load.json" >&2
  after=$(metric telemetryd_receiver_received_spans_total)
  read -r seconds calls client_cpu < <(python3 -c 'import json, sys
load = json.load(open(sys.argv[1]))
print(load["seconds"], sum(load["statuses"].values()), load["client_cpu_seconds"])' "$work/load.json")
  echo "$(python3 -c "print(int($after - $before))") $seconds $(($(cpu_ticks) - cpu_before)) $(($(switches) - switches_before)) $calls $client_cpu" \
    | tee -a "$work/$protocol$client$kind.phases" | awk -v p="$protocol${client:+ ($client)}${kind:+, $kind}" -v tck="$(getconf CLK_TCK)" \
      '{n = ($1 > 0 ? $1 : 1); printf "%s phase: %d spans/s, server CPU %.1f µs per span, clients %.1f, %.0f context switches per request\n",
        p, $1 / $2, $3 / tck * 1e6 / n, $6 * 1e6 / n, $4 / ($5 > 0 ? $5 : 1)}' >&2
  if [ "$protocol" = HTTP ] && [ -z "$client" ]; then rss=$(metric process_resident_memory_bytes); fi
  stop_server
}

# The machine is shared and its load drifts within a minute: the protocols take turns, and
# each figure sums its phases, so a slow minute weighs on both alike.
for _ in $(seq 1 "$rounds"); do
  phase HTTP
  phase gRPC
done
for _ in $(seq 1 "$rounds"); do
  phase HTTP h2load
  phase gRPC h2load
done
# "spans/s server_cpu_µs_per_span context_switches_per_request client_cpu_µs_per_span" over a
# protocol's phases.
totals() {
  awk -v tck="$(getconf CLK_TCK)" '{s += $1; t += $2; c += $3; w += $4; n += $5; k += $6}
    END {d = (s > 0 ? s : 1); printf "%d %.1f %.0f %.1f\n", s / t, c / tck * 1e6 / d, w / (n > 0 ? n : 1), k * 1e6 / d}' "$work/$1.phases"
}
# "rounds_ahead rounds median_ratio": each round's gRPC rate over the HTTP rate of the phase
# just before it (the same minute's load), how many of them are at least 1, and their median.
rounds() {
  paste -d ' ' "$work/$1.phases" "$work/$2.phases" | awk '{print ($7 / $8) / ($1 / $2)}' | sort -g |
    awk '{r[NR] = $1; if ($1 >= 1) a++} END {m = (NR % 2 ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2); printf "%d %d %.3f\n", a, NR, m}'
}
read -r rounds_ahead rounds_run rounds_median < <(rounds HTTP gRPC)
read -r h2_rounds_ahead h2_rounds_run h2_rounds_median < <(rounds HTTPh2load gRPCh2load)
read -r stored http_cpu http_switches http_client_cpu < <(totals HTTP)
read -r grpc_stored grpc_cpu grpc_switches grpc_client_cpu < <(totals gRPC)
read -r h2_http_stored h2_http_cpu _ h2_http_client_cpu < <(totals HTTPh2load)
read -r h2_grpc_stored h2_grpc_cpu _ h2_grpc_client_cpu < <(totals gRPCh2load)

python3 "$root/Benchmarks/Ingest/payloads.py" "$work/single.bin" 16 0.1 1 >/dev/null
for _ in $(seq 1 "$rounds"); do
  phase HTTP h2load per-call
  phase gRPC h2load per-call
done
# One span per call: spans per second are calls per second, CPU per span is CPU per call.
read -r call_http_rate call_http_cpu _ _ < <(totals HTTPh2loadper-call)
read -r call_grpc_rate call_grpc_cpu _ _ < <(totals gRPCh2loadper-call)

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

python3 - "$work/decode.json" "$stored" "$rss" "$work/overload.json" "$dropped" "$grpc_stored" "$http_cpu" "$grpc_cpu" "$http_switches" "$grpc_switches" \
  "$http_client_cpu" "$grpc_client_cpu" \
  "$h2_http_stored $h2_grpc_stored $h2_http_cpu $h2_grpc_cpu $h2_http_client_cpu $h2_grpc_client_cpu" \
  "$rounds_ahead $rounds_run $rounds_median $h2_rounds_ahead $h2_rounds_run $h2_rounds_median" \
  "$call_http_rate $call_grpc_rate $call_http_cpu $call_grpc_cpu" \
  "${rss_samples[@]}" <<'PY'
import json, sys
decode = json.load(open(sys.argv[1]))
stored, rss = int(sys.argv[2]), int(float(sys.argv[3]))
overload, dropped = json.load(open(sys.argv[4])), int(float(sys.argv[5]))
grpc_stored = int(sys.argv[6])
http_cpu, grpc_cpu = float(sys.argv[7]), float(sys.argv[8])
http_switches, grpc_switches = sys.argv[9], sys.argv[10]
http_client_cpu, grpc_client_cpu = float(sys.argv[11]), float(sys.argv[12])
h2 = [float(x) for x in sys.argv[13].split()]
paired = sys.argv[14].split()
calls = [float(x) for x in sys.argv[15].split()]
samples = [int(float(s)) for s in sys.argv[16:] if s]
upb = decode["upb_decode_spans_per_second"]
print(f"payload: {decode['spans_per_payload']} spans, {decode['payload_bytes']} bytes ({decode['protobuf_implementation']})")
print(f"telemetryd stored:        {stored:>10,} spans/s (decode + convert + SQLite commit, RSS {rss / 2**20:.0f} MiB)")
print(f"python upb decode only:   {upb:>10,} spans/s")
print(f"ratio stored / upb decode: {stored / upb:.3f}")
print(f"telemetryd stored, gRPC:  {grpc_stored:>10,} spans/s (same payloads over OTLP/gRPC)")
print(f"ratio gRPC / HTTP:         {grpc_stored / stored:.3f} (gRPC ahead in {paired[0]} of {paired[1]} rounds; median round {paired[2]})")
# The clients share the machine with the server: the server's own CPU time per span shows
# what each protocol costs it, apart from how much CPU the client library takes.
print(f"server CPU per span:       HTTP {http_cpu} µs, gRPC {grpc_cpu} µs (ratio {grpc_cpu / http_cpu:.3f})")
print(f"context switches per request: HTTP {http_switches}, gRPC {grpc_switches}")
print(f"client CPU per span:       HTTP {http_client_cpu} µs, gRPC {grpc_client_cpu} µs (same two cores as the server)")
print(f"one C client for both (h2load, one payload repeated): HTTP {h2[0]:,.0f} spans/s, gRPC {h2[1]:,.0f}")
print(f"ratio gRPC / HTTP, h2load:  {h2[1] / h2[0]:.3f} (gRPC ahead in {paired[3]} of {paired[4]} rounds; median round {paired[5]}); server CPU per span HTTP {h2[2]} µs, gRPC {h2[3]} µs "
      f"(ratio {h2[3] / h2[2]:.3f}); h2load's own CPU per span HTTP {h2[4]} µs, gRPC {h2[5]} µs")
print(f"one-span exports (h2load), per call: HTTP {calls[0]:,.0f} calls/s, server CPU {calls[2]} µs; "
      f"gRPC {calls[1]:,.0f} calls/s, server CPU {calls[3]} µs (gRPC costs {calls[3] - calls[2]:.0f} µs more per call)")
statuses = overload["statuses"]
print(f"overload statuses: {statuses}; spans refused with 503: {dropped:,}")
if samples:
    print(f"overload RSS MiB per second: {[round(s / 2**20) for s in samples]}")
PY
