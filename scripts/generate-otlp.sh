#!/usr/bin/env bash
# Regenerates the SwiftProtobuf code of the OTLP module from the .proto files under
# Sources/OTLP/Proto. The generated files are committed, so builds never need protoc; run this
# only after changing a .proto file. Needs protoc (Debian's protobuf-compiler, installed if
# missing) and protoc-gen-swift, built once from the swift-protobuf release that Package.swift
# names (into .build-protoc/, which git ignores).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
protobuf_version="1.39.0"
tools="$root/.build-protoc"

if ! command -v protoc >/dev/null 2>&1; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends protobuf-compiler
fi

plugin="$tools/swift-protobuf/.build/release/protoc-gen-swift"
if [ ! -x "$plugin" ]; then
  rm -rf "$tools/swift-protobuf"
  mkdir -p "$tools"
  git clone --quiet --depth 1 --branch "$protobuf_version" https://github.com/apple/swift-protobuf "$tools/swift-protobuf"
  swift build -c release --product protoc-gen-swift --package-path "$tools/swift-protobuf"
fi

proto_root="$root/Sources/OTLP/Proto"
output="$root/Sources/OTLP/Generated"
rm -rf "$output"
mkdir -p "$output"
(cd "$proto_root" && find . -name '*.proto' | sort) | sed 's|^\./||' | xargs \
  protoc --plugin=protoc-gen-swift="$plugin" --proto_path="$proto_root" \
    --swift_out="$output" --swift_opt=Visibility=Public --swift_opt=FileNaming=PathToUnderscores
echo "generated $(find "$output" -name '*.pb.swift' | wc -l) files into Sources/OTLP/Generated"
