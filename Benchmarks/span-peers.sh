#!/usr/bin/env bash
# Span overhead beside the OpenTelemetry Go SDK, in one run: Go's harness
# (PeerSDKs/otel-go), then TracingBenchmarks' Telemetry and swift-otel lines, then Go's again,
# and a table of p50s with Telemetry's ratio to each peer. Go's figure is the lower p50 of its
# two runs, which bracket the Swift ones. The workloads are the TracingBenchmarks lines whose
# names match span-peers.workloads (`make bench` skips them in its run of the whole package, so
# they run once). Usage: Benchmarks/span-peers.sh
set -euo pipefail
cd "$(dirname "$0")"
../scripts/install-deps.sh bench >/dev/null

mkdir -p .build
GOPATH=/usr/share/gocode GO111MODULE=off GOFLAGS= go build -o .build/otel-go-spans ./PeerSDKs/otel-go

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
.build/otel-go-spans > "$out/go-1.tsv"
swift package --disable-sandbox benchmark --target TracingBenchmarks --no-progress \
  --filter "$(cat span-peers.workloads)" \
  > "$out/swift.txt" 2>&1 || { cat "$out/swift.txt"; exit 1; }
.build/otel-go-spans > "$out/go-2.tsv"
python3 span_peers.py "$out/swift.txt" "$out/go-1.tsv" "$out/go-2.tsv"
