#!/usr/bin/env bash
# Measures start-up to ready: publishes the bridge (Release), starts it RUNS times on a fresh SQLite file, and prints
# the milliseconds from process start until GET /health/ready answers 200, then min/median/max.
# Usage: eng/measure-startup.sh [RUNS]   (default 5; needs curl)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

dotnet publish src/CloudAlmBridge/CloudAlmBridge.csproj -c Release -o "$work/app" --nologo -v quiet >/dev/null
port=18081
times=()
for run in $(seq 1 "$runs"); do
  rm -rf "$work/data"
  start=$(date +%s%N)
  ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_HTTP_PORTS=$port \
    Bridge__Storage__ConnectionString="Data Source=$work/data/bridge.db" \
    Serilog__MinimumLevel__Default=Warning \
    dotnet "$work/app/CloudAlmBridge.dll" >"$work/run.log" 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null; do
    kill -0 "$pid" 2>/dev/null || { echo "the bridge exited:"; cat "$work/run.log"; exit 1; }
    sleep 0.02
  done
  elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
  times+=("$elapsed")
  echo "run $run: ready after ${elapsed} ms"
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
echo "start-up to ready: min ${sorted[0]} ms, median ${sorted[$(( runs / 2 ))]} ms, max ${sorted[$(( runs - 1 ))]} ms over $runs runs"
