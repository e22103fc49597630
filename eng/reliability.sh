#!/usr/bin/env bash
# The reliability run (docs/operations.md): publishes the bridge, then sends 2,000 events over 200 situations to it
# while a failing ServiceNow stand-in throttles and drops answers and the bridge is killed with SIGKILL at random.
# Prints accepted, delivered, lost, duplicate tickets, out-of-order updates, closes applied and the run time; exits 1
# if any of lost, duplicates or out-of-order is not 0 or a close is missing.
#
# Usage: eng/reliability.sh [--instances N [--database-restart]] [situations] [eventsPerSituation] [seed]
#   --instances N: N bridges (3 with --instances 3) on one PostgreSQL database, a throwaway cluster this script makes
#   with Debian's initdb and pg_ctl (as the postgres user when run as root) on a free loopback port, and removes.
#   --database-restart: instead of killing bridges, stop PostgreSQL (pg_ctl -m fast) and start it again a few seconds
#   later, at random moments under load; events answered 503 meanwhile are sent again after Retry-After.
set -euo pipefail
cd "$(dirname "$0")/.."

instances=1
restart_database=0
if [ "${1:-}" = "--instances" ]; then
  instances=$2
  shift 2
fi
if [ "${1:-}" = "--database-restart" ]; then
  restart_database=1
  shift
fi

out=$(mktemp -d)
pg_bin=""
cleanup() {
  if [ -n "$pg_bin" ] && [ -f "$out/pg/data/postmaster.pid" ]; then
    as_postgres "$pg_bin/pg_ctl" -D "$out/pg/data" -m fast -w stop >/dev/null || true
  fi
  rm -rf "$out"
}
trap cleanup EXIT
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

extra=()
if [ "$instances" -gt 1 ]; then
  pg_bin=$(dirname "$(readlink -f "$(command -v pg_ctl)")")
  mkdir -p "$out/pg"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$out/pg" && chmod o+x "$out"
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  as_postgres "$pg_bin/initdb" -D "$out/pg/data" -U postgres -A trust -E UTF8 --no-locale >/dev/null
  as_postgres "$pg_bin/pg_ctl" -D "$out/pg/data" -l "$out/pg/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $out/pg -c max_connections=400" start >/dev/null
  as_postgres "$pg_bin/createdb" -h 127.0.0.1 -p "$port" -U postgres bridge
  extra=(--postgres "Host=127.0.0.1;Port=$port;Username=postgres;Database=bridge;Maximum Pool Size=102;Timeout=5" --instances "$instances")
  if [ "$restart_database" = 1 ]; then
    # What the run calls to restart the database: stopped as an operator's restart stops it, down for $1 seconds.
    cat > "$out/pg/restart.sh" <<EOF
#!/usr/bin/env bash
set -e
as_postgres() { if [ "\$(id -u)" = 0 ]; then runuser -u postgres -- "\$@"; else "\$@"; fi; }
as_postgres "$pg_bin/pg_ctl" -D "$out/pg/data" -m fast -w stop >/dev/null
sleep "\$1"
as_postgres "$pg_bin/pg_ctl" -D "$out/pg/data" -l "$out/pg/server.log" -w \\
  -o "-c listen_addresses=127.0.0.1 -p $port -k $out/pg -c max_connections=400" start >/dev/null
EOF
    chmod +x "$out/pg/restart.sh"
    extra+=(--restart-database "$out/pg/restart.sh")
  fi
elif [ "$restart_database" = 1 ]; then
  echo "--database-restart needs --instances N (PostgreSQL)" >&2
  exit 2
fi

dotnet publish src/CloudAlmBridge/CloudAlmBridge.csproj -c Release -o "$out/bridge" --nologo -v quiet >/dev/null
dotnet run -c Release --project eng/Reliability -- "$out/bridge/CloudAlmBridge.dll" "${@:1:3}" "${extra[@]}"
