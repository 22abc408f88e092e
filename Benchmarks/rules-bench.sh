#!/usr/bin/env bash
# The rules engine against Debian's Prometheus 2.42 and its promtool, in one run:
#  1. test rules: `telemetryd test rules` and `promtool test rules` on a heavy unit-test file
#     (SERIES series over a day at 1 m, 29 rules evaluated every minute): wall time and peak
#     memory of each (GNU time), and their reports must be identical.
#  2. evaluation cost: RULES alerting rules in 10 groups at a 15 s interval over 10,000 series
#     (an hour of data sent by remote write just before): CPU seconds per evaluation round, the
#     process's CPU time with the rules loaded minus a window without them, per round.
#
# Usage: Benchmarks/rules-bench.sh [series, default 400] [rules, default 1000]
set -euo pipefail

series="${1:-400}"
rules="${2:-1000}"
groups=10
window=45
source "$(dirname "$0")/harness.sh"
port=19410
binary=$(release_telemetryd)
ticks=$(getconf CLK_TCK)
cpu() { awk -v t="$ticks" '{print ($14 + $15) / t}' "/proc/$1/stat"; }
wait_ready() {
  for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$port/-/ready" >/dev/null && return 0; sleep 0.1; done
  echo "server did not start" >&2
  exit 1
}
iterations() { curl -s "http://127.0.0.1:$port/metrics" | awk -v m="$1" '$1 ~ "^"m"_rule_group_iterations_total" {s += $2} END {print s + 0}'; }
active() { curl -s "http://127.0.0.1:$port/api/v1/alerts" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["data"]["alerts"]))'; }

echo "=== 1. test rules on a heavy file ($series series over a day)" >&2
python3 "$root/Benchmarks/Rules/heavy_rule_test.py" "$work/heavy" "$series" 24
measure() { # tool, report file -> "seconds kilobytes"
  (cd "$work/heavy" && /usr/bin/time -f "%e %M" -o "$work/time" "$1" test rules heavy.test.yml >"$2" 2>&1 || true)
  tail -1 "$work/time"
}
read -r theirs_s theirs_kb <<<"$(measure promtool "$work/promtool.report")"
read -r ours_s ours_kb <<<"$(measure "$binary" "$work/telemetryd.report")"
# The same failures, sorted, with sample values to 10 digits: promtool loads input series in
# random order, so the last bits of its sums change from run to run.
normalize() { python3 -c 'import re,sys; print("".join(sorted(re.sub(r"-?[0-9.]+E[+-][0-9]+", lambda m: "%.9e" % float(m.group()), l) for l in sys.stdin)))' <"$1"; }
normalize "$work/promtool.report" >"$work/promtool.normalized"
normalize "$work/telemetryd.report" >"$work/telemetryd.normalized"
same=$(cmp -s "$work/promtool.normalized" "$work/telemetryd.normalized" && echo yes || echo no)

run_server() { # name, start command... ; prints "base_cpu_per_s cpu_per_round rounds firing"
  local metric="$1"
  shift
  printf 'groups: []\n' >"$work/rules.yml"
  "$@" >"$work/$metric.log" 2>&1 &
  local pid=$!
  pids+=("$pid")
  wait_ready
  python3 "$root/Benchmarks/History/remote_write_load.py" "http://127.0.0.1:$port/api/v1/write" 10000 1 4 >"$work/$metric.load"
  sleep 5
  local c0 c1 c2 c3 i0 i1
  c0=$(cpu "$pid"); sleep "$window"; c1=$(cpu "$pid")
  python3 "$root/Benchmarks/Rules/alert_rules.py" "$rules" "$groups" >"$work/rules.yml"
  curl -sf -X POST "http://127.0.0.1:$port/-/reload" >/dev/null
  sleep 20
  i0=$(iterations "$metric"); c2=$(cpu "$pid"); sleep "$window"; c3=$(cpu "$pid"); i1=$(iterations "$metric")
  local alerts
  alerts=$(active)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  python3 -c "
base = ($c1 - $c0) / $window
rounds = ($i1 - $i0) / $groups
print(round(base, 4), round((($c3 - $c2) - base * $window) / max(rounds, 1), 4), round(rounds, 1), $alerts)"
}

echo "=== 2. $rules alerting rules over 10,000 series at 15 s" >&2
read -r ours_base ours_round ours_rounds ours_firing <<<"$(run_server telemetryd "$binary" serve \
  --web.listen-address "127.0.0.1:$port" --storage.path "$work/telemetryd" --rules.file "$work/rules.yml" --log.level warning)"
printf 'global:\n  scrape_interval: 1h\nrule_files: [%s]\n' "$work/rules.yml" >"$work/prometheus.yml"
read -r theirs_base theirs_round theirs_rounds theirs_firing <<<"$(run_server prometheus prometheus \
  --config.file "$work/prometheus.yml" --storage.tsdb.path "$work/prometheus" --web.listen-address "127.0.0.1:$port" \
  --web.enable-remote-write-receiver --web.enable-lifecycle --log.level warn)"

python3 - "$theirs_s" "$theirs_kb" "$ours_s" "$ours_kb" "$same" "$ours_round" "$ours_rounds" "$ours_firing" \
  "$theirs_round" "$theirs_rounds" "$theirs_firing" "$rules" <<'PY'
import sys
ts, tkb, os_, okb, same, ocpu, orounds, ofiring, tcpu, trounds, tfiring, rules = sys.argv[1:]
ts, tkb, os_, okb, ocpu, tcpu = map(float, (ts, tkb, os_, okb, ocpu, tcpu))
print(f"test rules, heavy file     telemetryd {os_:.2f} s {okb / 1024:.0f} MiB   promtool {ts:.2f} s {tkb / 1024:.0f} MiB"
      f"   time x{os_ / ts:.2f}  memory x{okb / tkb:.2f}   same report: {same}")
print(f"{rules} rules, CPU per round telemetryd {ocpu:.3f} s ({ocpu / 15 * 100:.1f}% of a core at 15 s, {orounds} rounds, {ofiring} alerts)"
      f"   Prometheus {tcpu:.3f} s ({tcpu / 15 * 100:.1f}%, {trounds} rounds, {tfiring} alerts)   x{ocpu / tcpu:.2f}")
PY
