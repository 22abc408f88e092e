#!/usr/bin/env bash
# The durable notification queue under load: ALERTS alerts (default 5000) fire in a group
# evaluated every second and are re-sent at every evaluation (resend_delay shorter than the
# interval), so telemetryd queues ALERTS notifications a second for a local Alertmanager
# stand-in (Benchmarks/Notify/receiver.py):
#  1. delivered per second over a minute (Alertmanager batches of 256);
#  2. a 2-minute receiver outage at that rate: resident memory before, during and after
#     (the queue is in SQLite, so it must stay flat), and every queued notification delivered
#     after the receiver returns (the drain rate).
#
# Usage: Benchmarks/notify-bench.sh [alerts, default 5000]
set -euo pipefail

alerts="${1:-5000}"
source "$(dirname "$0")/harness.sh"
port=19430
receiver_port=19431
binary=$(release_telemetryd)
metric() { curl -s "http://127.0.0.1:$port/metrics" | awk -v m="$1" '$1 == m {print $2}'; }
received() { curl -s "http://127.0.0.1:$receiver_port/count"; }
rss_mib() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }

cat >"$work/rules.yml" <<RULES
groups:
  - name: bench
    interval: 1s
    rules:
      - alert: BenchNotify
        expr: bench_notify > 0
        annotations: {summary: 'series {{ \$labels.n }} at {{ \$value }}'}
RULES
cat >"$work/telemetryd.yml" <<CONFIG
rule_files: [$work/rules.yml]
alerting:
  resend_delay: 500ms
  alertmanagers:
    - url: http://127.0.0.1:$receiver_port
CONFIG

python3 "$root/Benchmarks/Notify/receiver.py" "$receiver_port" &
receiver=$!
pids+=("$receiver")
"$binary" serve --web.listen-address "127.0.0.1:$port" --storage.path "$work/data" --config.file "$work/telemetryd.yml" \
  --log.level error >"$work/telemetryd.log" 2>&1 &
server=$!
pids+=("$server")
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/-/ready" >/dev/null && break; sleep 0.1; done
python3 "$root/Benchmarks/Notify/push.py" "http://127.0.0.1:$port/api/v1/write" "$alerts" &
pids+=("$!")

sleep 20
r0=$(received); t0=$(date +%s.%N); sleep 60; r1=$(received); t1=$(date +%s.%N)
rate=$(python3 -c "print(round(($r1 - $r0) / ($t1 - $t0)))")
echo "delivered: $rate notifications/s (target $alerts/s); queue $(metric telemetryd_notifications_queue_length)" >&2

rss_before=$(rss_mib "$server")
kill "$receiver"; wait "$receiver" 2>/dev/null || true
sleep 10; queued0=$(metric telemetryd_notifications_queue_length)
sleep 50; rss_during1=$(rss_mib "$server"); queued1=$(metric telemetryd_notifications_queue_length)
sleep 60; rss_during2=$(rss_mib "$server"); queued2=$(metric telemetryd_notifications_queue_length)
produced=$(python3 -c "print(round((float('$queued2') - float('$queued0')) / 110))")
python3 "$root/Benchmarks/Notify/receiver.py" "$receiver_port" &
receiver=$!
pids+=("$receiver")
sleep 1
t2=$(date +%s.%N)
drained=no
for _ in $(seq 1 600); do
  q=$(metric telemetryd_notifications_queue_length)
  if python3 -c "import sys; sys.exit(0 if float('${q:-1e9}') < $alerts * 2 else 1)"; then drained=yes; break; fi
  sleep 1
done
t3=$(date +%s.%N)
r2=$(received)
rss_after=$(rss_mib "$server")
echo "outage of 120 s: queue $queued1 after 60 s, $queued2 after 120 s ($produced/s queued); RSS MiB before $rss_before, during $rss_during1 / $rss_during2, after $rss_after" >&2
echo "drained: $drained in $(python3 -c "print(round($t3 - $t2, 1))") s, $r2 alerts received in all" >&2
python3 -c "
rate, q2, t = $rate, float('${queued2:-0}'), $t3 - $t2
print(f'notification queue: {rate} delivered/s with {$alerts} alerts re-sent every second; 120 s outage: {q2:.0f} queued ({$produced}/s), RSS {$rss_before} -> {$rss_during1} (60 s) -> {$rss_during2} (120 s) -> {$rss_after} MiB; drained in {t:.0f} s ({q2 / max(t, 0.001):.0f}/s)')"
