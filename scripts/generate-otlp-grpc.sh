#!/usr/bin/env bash
# Regenerates the gRPC service code of the OTLPGRPC module (TraceService, MetricsService and
# LogsService, client and server) from the collector .proto files under Sources/OTLP/Proto.
# The generated files are committed, so builds never need protoc; run this only after changing
# one of those .proto files. Needs protoc (Debian's protobuf-compiler, installed if missing) and
# protoc-gen-grpc-swift-2, built once from the grpc-swift-protobuf release that Package.swift
# names (into .build-protoc/, which git ignores).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
grpc_protobuf_version="2.4.1"
tools="$root/.build-protoc"

if ! command -v protoc >/dev/null 2>&1; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends protobuf-compiler
fi

plugin_package="$tools/grpc-swift-protobuf"
plugin="$plugin_package/.build/debug/protoc-gen-grpc-swift-2"
if [ ! -x "$plugin" ]; then
  rm -rf "$plugin_package"
  mkdir -p "$tools"
  git clone --quiet --depth 1 --branch "$grpc_protobuf_version" https://github.com/grpc/grpc-swift-protobuf "$plugin_package"
  swift build --product protoc-gen-grpc-swift-2 --package-path "$plugin_package"
fi

proto_root="$root/Sources/OTLP/Proto"
output="$root/Sources/OTLPGRPC/Generated"
rm -rf "$output"
mkdir -p "$output"
(cd "$proto_root" && find opentelemetry/proto/collector -name '*.proto' | sort) | xargs \
  protoc --plugin=protoc-gen-grpc-swift="$plugin" --proto_path="$proto_root" \
    --grpc-swift_out="$output" \
    --grpc-swift_opt=Visibility=Public,FileNaming=PathToUnderscores
# The plugin imports the modules of a file's dependencies only; the service's own messages
# are in the OTLP module, a separate target, so its import is added here.
for file in "$output"/*.grpc.swift; do
  sed -i 's/^import GRPCProtobuf$/import GRPCProtobuf\nimport OTLP/' "$file"
done
echo "generated $(find "$output" -name '*.grpc.swift' | wc -l) files into Sources/OTLPGRPC/Generated"
