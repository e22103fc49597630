#!/usr/bin/env bash
# Profiles the bridge under the side-by-side load (wrk -c32, new situations, ../shared/bench/load.lua) against the shared
# stand-in ServiceNow (../shared/bench/fast_snow.js), after a warm-up, so that the figures are the steady state and not
# the first seconds of JIT (docs/performance.md, "Profiling").
#
# Usage: bench/profile.sh [ingest|e2e] [--seconds 10] [--warm 15] [--tool perf|counters|none] [--postgres CONNSTRING]
#                         [--dll PATH]
#   perf      perf record -e cpu-clock -a -g over the whole machine (the bridge's JIT frames named through
#             DOTNET_PerfMapEnabled), then the shares by thread name and by library; the data stays for perf report
#   counters  dotnet-counters collect System.Runtime (JIT, GC, exceptions, thread pool) as CSV
#   none      only the load: requests/s, p50/p99
# Needs wrk (../shared/bench/setup.sh), and perf (linux-perf) or dotnet-counters for those tools.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=ingest seconds=10 warm=15 tool=perf postgres="" dll=""
[[ $# -gt 0 && $1 != --* ]] && { mode=$1; shift; }
while [[ $# -gt 0 ]]; do
  case $1 in
    --seconds) seconds=$2; shift 2 ;;
    --warm) warm=$2; shift 2 ;;
    --tool) tool=$2; shift 2 ;;
    --postgres) postgres=$2; shift 2 ;;
    --dll) dll=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
shared=../shared/bench
out=$(mktemp -d /tmp/bridge-profile-XXXX)
if [[ -z $dll ]]; then
  dotnet publish src/CloudAlmBridge/CloudAlmBridge.csproj -c Release -o "$out/bridge" --nologo -v quiet >/dev/null
  dll=$out/bridge/CloudAlmBridge.dll
fi
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
snow_port=$(port) bridge_port=$(port)
node "$shared/fast_snow.js" "$snow_port" >"$out/snow.log" 2>&1 &
snow=$!
trap 'kill $snow ${bridge:-} 2>/dev/null || true' EXIT

export ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS=http://127.0.0.1:$bridge_port Serilog__MinimumLevel__Default=Warning \
  Bridge__Security__Clients__calm__Secret=calm-secret-8c1f2 Bridge__Security__Clients__calm__Roles__0=events \
  Bridge__Security__PermitsPerMinute=100000000 Bridge__Destinations__snow__Url=http://127.0.0.1:$snow_port \
  Bridge__Destinations__snow__AllowInsecureHttp=true Bridge__Destinations__snow__Authentication__Type=BasicAuthentication \
  Bridge__Destinations__snow__Authentication__User=u Bridge__Destinations__snow__Authentication__Password=p \
  Bridge__Webhooks__inc__Destination=snow Bridge__Webhooks__inc__Path=/api/now/table/incident \
  Bridge__Webhooks__inc__DestinationType=SNOW Bridge__Webhooks__inc__ExternalResourceType=Incident \
  Bridge__Subscriptions__speed__ResourceType=EVENT-SITUATION Bridge__Subscriptions__speed__Webhook=inc \
  "Bridge__Subscriptions__speed__UserVariables__closeCode=Solved (Permanently)" \
  DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
if [[ -n $postgres ]]; then
  export Bridge__Storage__Provider=PostgreSql "Bridge__Storage__ConnectionString=$postgres"
else
  export Bridge__Storage__Provider=Sqlite "Bridge__Storage__ConnectionString=Data Source=$out/bridge.db"
fi
[[ $mode == ingest ]] && export Bridge__Inbound__WaitForDeliverySeconds=0
dotnet "$dll" >"$out/bridge.log" 2>&1 &
bridge=$!
for _ in $(seq 150); do curl -sf -o /dev/null "http://127.0.0.1:$bridge_port/health/live" && break; sleep 0.2; done

export AUTH="Basic $(printf calm:calm-secret-8c1f2 | base64)"
url=http://127.0.0.1:$bridge_port/api/v1/events/speed
RUN=$RANDOM wrk -t1 -c32 -d"${warm}s" -s "$shared/load.lua" "$url" >/dev/null
RUN=$RANDOM wrk -t1 -c32 -d"$((seconds + 2))s" --latency -s "$shared/load.lua" "$url" >"$out/wrk.txt" &
load=$!
sleep 1
case $tool in
  perf) perf record -e cpu-clock -F 499 -a -g -o "$out/perf.data" -- sleep "$seconds" >/dev/null 2>&1 ;;
  counters) dotnet-counters collect -p "$bridge" --counters System.Runtime --refresh-interval 2 --format csv \
              --duration "00:00:00:$seconds" -o "$out/counters.csv" >/dev/null ;;
  none) sleep "$seconds" ;;
esac
wait $load
echo "mode $mode, $([[ -n $postgres ]] && echo PostgreSQL || echo SQLite), ${warm} s warm-up, ${seconds} s measured"
grep -E "Requests/sec|^ +(50|99)%|Non-2xx" "$out/wrk.txt"
if [[ $tool == perf ]]; then
  echo "-- CPU by thread name (2 cores = 100 %)"
  perf report -i "$out/perf.data" --sort comm --stdio --no-children -g none 2>/dev/null | grep -E "^ +[0-9]" | head -8
  echo "-- the bridge's worker threads by library"
  perf report -i "$out/perf.data" --sort dso --stdio --no-children -g none --comm ".NET TP Worker" 2>/dev/null \
    | grep -E "^ +[0-9]" | head -8
fi
echo "files: $out (perf.data, counters.csv, bridge.log)"
