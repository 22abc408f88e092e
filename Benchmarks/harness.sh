# Shared by the benchmark scripts (sourced): the repository root, a scratch directory, the
# processes they start (stopped on exit), and the release build of telemetryd.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Builds telemetryd in release mode, in its own scratch path (a debug build in .build may be
# running beside it), and prints the binary's path.
release_telemetryd() {
  (cd "$root" && swift build -c release --scratch-path .build-release --product telemetryd >/dev/null)
  echo "$root/.build-release/release/telemetryd"
}
