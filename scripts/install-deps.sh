#!/usr/bin/env bash
# Installs what `make run`, `make test` or `make bench` needs and is missing. Idempotent:
# a second run installs nothing. Usage: scripts/install-deps.sh run|test|bench
set -euo pipefail

mode="${1:-run}"
packages=(pkg-config libmicrohttpd-dev zlib1g-dev libsqlite3-dev libsnappy-dev libzstd-dev)
case "$mode" in
  run) ;;
  test) packages+=(prometheus prometheus-alertmanager gzip zstd chromium chromium-driver) ;;   # prometheus brings promtool; zstd the CLI that compresses test bodies
  bench) packages+=(prometheus prometheus-pushgateway wrk nghttp2-client curl chromium chromium-driver golang-go golang-opentelemetry-otel-dev) ;;   # nghttp2-client brings h2load; golang-* the OpenTelemetry Go SDK for span-peers.sh
  *) echo "usage: $0 run|test|bench" >&2; exit 2 ;;
esac

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Python tools the interop tests drive (real peers from PyPI).
requirements="$(dirname "$0")/requirements-$mode.txt"
if [ -f "$requirements" ] && grep -qv '^\s*\(#\|$\)' "$requirements"; then
  python3 -m pip install --quiet --disable-pip-version-check -r "$requirements"
fi

if ! command -v swift >/dev/null 2>&1; then
  echo "swift is not on PATH: install the Swift 6.1+ toolchain" >&2
  exit 1
fi
