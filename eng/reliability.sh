#!/usr/bin/env bash
# The reliability run (docs/operations.md): publishes the bridge, then sends 2,000 events over 200 situations to it
# while a failing ServiceNow stand-in throttles and drops answers and the bridge is killed with SIGKILL at random.
# Prints accepted, delivered, lost, duplicate tickets, out-of-order updates and the run time; exits 1 if any of lost,
# duplicates or out-of-order is not 0. Usage: eng/reliability.sh [situations] [eventsPerSituation] [seed]
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
dotnet publish src/CloudAlmBridge/CloudAlmBridge.csproj -c Release -o "$out/bridge" --nologo -v quiet >/dev/null
dotnet run -c Release --project eng/Reliability -- "$out/bridge/CloudAlmBridge.dll" "$@"
