#!/usr/bin/env bash
# The load benchmark (docs/performance.md): publishes the bridge in Release and runs it against a fast in-memory
# ServiceNow stand-in with a load of new situations; prints events/s accepted, incidents/s, p50/p99, peak RSS, CPU.
# Usage: bench/load.sh [--mode ingest|e2e|stalled] [--seconds 10] [--connections 32] [--backlog N]
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
dotnet publish src/CloudAlmBridge/CloudAlmBridge.csproj -c Release -o "$out/bridge" --nologo -v quiet >/dev/null
dotnet run -c Release --project bench/CloudAlmBridge.Load -- "$out/bridge/CloudAlmBridge.dll" "$@"
