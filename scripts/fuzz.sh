#!/usr/bin/env bash
# Builds the libFuzzer harnesses in Tests/Fuzz (swift build -sanitize=fuzzer,address) and runs
# each for FUZZ_SECONDS (default 60) on its corpus in Tests/Fuzz/Corpus/<harness>. New inputs
# that reach new code are added to the corpus; a crash leaves crash-* files in
# Tests/Fuzz/Findings/ and fails the run.
#
# Usage: scripts/fuzz.sh [harness ...]     (default: every harness)
#        FUZZ_SECONDS=600 scripts/fuzz.sh FuzzQuery
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
fuzz="$root/Tests/Fuzz"
seconds="${FUZZ_SECONDS:-60}"
harnesses=("$@")
if [ "${#harnesses[@]}" -eq 0 ]; then
  harnesses=(FuzzOTLPProtobuf FuzzOTLPJSON FuzzConfig FuzzQuery FuzzPromQL FuzzRules FuzzRemoteWrite)
fi

cd "$fuzz"
# -enable-testing lets the harnesses reach the internal parsers with @testable import.
flags=(-c release --scratch-path "$fuzz/.build-fuzz"
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -enable-testing)
# SwiftPM keeps a dependency package's source list in the build manifest: a file added to the
# root package since the last fuzz build would be missing. Planning again is cheap.
rm -f "$fuzz/.build-fuzz/release.yaml"
for harness in "${harnesses[@]}"; do
  swift build "${flags[@]}" --product "$harness"
done
bin="$(swift build "${flags[@]}" --show-bin-path)"

mkdir -p "$fuzz/Findings"
status=0
for harness in "${harnesses[@]}"; do
  corpus="$fuzz/Corpus/$harness"
  mkdir -p "$corpus"
  echo "== $harness for ${seconds}s (corpus: $(ls "$corpus" | wc -l) inputs)"
  # -close_fd_mask=3 silences the server code's own logging; -max_len bounds inputs.
  if ! "$bin/$harness" "$corpus" -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$fuzz/Findings/$harness-" 2>&1 | tail -n 25; then
    status=1
  fi
done
exit $status
