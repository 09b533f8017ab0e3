#!/usr/bin/env bash
# Regenerates Sources/ONNXProto/onnx.pb.swift from Tools/proto/onnx.proto.
#
# onnx.proto is the ONNX IR definition (Apache-2.0) as shipped in the `onnx` PyPI wheel 1.23.2
# (onnx/onnx.proto, IR version 13 era). The generated code is committed once, so that building Vigil
# needs only the SwiftProtobuf runtime and never protoc or its plugin.
#
# Needs: protoc (Debian `protobuf-compiler`) and protoc-gen-swift built from apple/swift-protobuf 1.39.0:
#   git clone <swift-protobuf> sp && cd sp && git checkout 1.39.0 && swift build -c release --product protoc-gen-swift
# Usage: PROTOC_GEN_SWIFT=/path/to/protoc-gen-swift Tools/proto/generate.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
plugin="${PROTOC_GEN_SWIFT:?set PROTOC_GEN_SWIFT to the protoc-gen-swift binary}"
out="$(mktemp -d)"
protoc --plugin=protoc-gen-swift="$plugin" --proto_path="$here" \
       --swift_out="$out" --swift_opt=Visibility=Public "$here/onnx.proto"
mv "$out/onnx.pb.swift" "$root/Sources/ONNXProto/onnx.pb.swift"
echo "wrote Sources/ONNXProto/onnx.pb.swift"
