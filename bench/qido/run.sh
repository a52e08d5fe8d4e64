#!/usr/bin/env bash
# QIDO-RS latency at scale: for SQLite and PostgreSQL, seeds STUDIES studies into tenant "demo" of a fresh database,
# starts DrimCloud.Identity and DrimCloud.Api (Release) on free 127.0.0.1 ports against it, and times the PEERS.md
# §6.4 query shapes with one keep-alive client (REQUESTS timed requests each). Prints one table per provider.
#
#   bench/qido/run.sh                      # env: STUDIES=100000 REQUESTS=200 PROVIDERS="Sqlite PostgreSql"
#                                          #      PG_OPTIONS="-c max_parallel_workers_per_gather=0" (server settings)
#
# Everything runs in a throw-away folder; only the processes this script started are stopped (by PID).
set -euo pipefail
cd "$(dirname "$0")/../.."
STUDIES=${STUDIES:-100000}
REQUESTS=${REQUESTS:-200}
PROVIDERS=${PROVIDERS:-"Sqlite PostgreSql"}
CONFIG=Release
log() { printf '[qido-bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

WORK=$(mktemp -d /tmp/drimcloud-qido-bench.XXXXXX)
chmod 755 "$WORK"
PIDS=()
PG_DATA=""
RUN_AS=()
[ "$(id -u)" = 0 ] && RUN_AS=(setpriv --reuid=postgres --regid=postgres --init-groups --)
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)

stop_pids() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  PIDS=()
}
stop_pg() {
  if [ -n "$PG_DATA" ] && [ -f "$PG_DATA/postmaster.pid" ]; then "${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null 2>&1 || true; fi
  PG_DATA=""
}
cleanup() { local status=$?; stop_pids; stop_pg; rm -rf "$WORK"; exit $status; }
trap cleanup EXIT INT TERM

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

wait_healthy() {
  for _ in $(seq 1 240); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$1/health" || true)" = 200 ] && return 0
    sleep 0.5
  done
  log "$1 did not become healthy"; return 1
}

# Starts a throw-away PostgreSQL (like test.sh) and sets $cs to a connection string for a database "drimcloud".
start_postgres() {
  PG_DATA="$WORK/pg"
  local port password
  port=$(free_port)
  password="bench-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
  mkdir -p "$PG_DATA"; [ "$(id -u)" = 0 ] && chown postgres:postgres "$PG_DATA"
  printf '%s\n' "$password" > "$WORK/pgpass"; chmod 644 "$WORK/pgpass"
  "${RUN_AS[@]}" "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --pwfile="$WORK/pgpass" --auth=scram-sha-256 -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
  rm -f "$WORK/pgpass"
  # Durability off as in test.sh: the benchmark measures reads.
  "${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DATA" -w -l "$PG_DATA/server.log" \
    -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off ${PG_OPTIONS:-}" start >/dev/null
  cs="Host=127.0.0.1;Port=$port;Username=postgres;Password=$password;Database=drimcloud;Timeout=15"
}

# Runs a built service from its output folder (its content root), in the background; records its PID.
start_service() {
  local project=$1; shift
  (cd "src/$project/bin/$CONFIG/net10.0" && exec env "$@" dotnet "$project.dll" >"$WORK/$project.log" 2>&1) &
  PIDS+=($!)
}

log "building ($CONFIG)"
for p in src/DrimCloud.MigrationService src/DrimCloud.Identity src/DrimCloud.Api bench/qido/QidoBench; do
  dotnet build "$p" -c "$CONFIG" -v quiet -nologo 2>&1 | grep -E " error |rror\(s\)" | grep -v " 0 Error" || true
done
BENCH="bench/qido/QidoBench/bin/$CONFIG/net10.0/QidoBench.dll"

for provider in $PROVIDERS; do
  data="$WORK/$provider"; mkdir -p "$data"
  if [ "$provider" = PostgreSql ]; then start_postgres; else cs="Data Source=$data/drimcloud.db"; fi
  common=(ASPNETCORE_ENVIRONMENT=Development DOTNET_ENVIRONMENT=Development "DrimCloud__DataDir=$data" "Database__Provider=$provider"
          "ConnectionStrings__drimcloud=$cs" Logging__LogLevel__Default=Warning DOTNET_CLI_TELEMETRY_OPTOUT=1)

  log "$provider: migrating and seeding $STUDIES studies"
  (cd src/DrimCloud.MigrationService/bin/$CONFIG/net10.0 && env "${common[@]}" dotnet DrimCloud.MigrationService.dll >"$WORK/migrations.log" 2>&1) \
    || { cat "$WORK/migrations.log"; exit 1; }
  dotnet "$BENCH" seed "$provider" "$cs" demo "$STUDIES"

  idp=$(free_port); api=$(free_port)
  start_service DrimCloud.Identity "${common[@]}" "ASPNETCORE_URLS=http://127.0.0.1:$idp" "Identity__Issuer=http://127.0.0.1:$idp/"
  start_service DrimCloud.Api "${common[@]}" "ASPNETCORE_URLS=http://127.0.0.1:$api" "Identity__Issuer=http://127.0.0.1:$idp/"
  wait_healthy "http://127.0.0.1:$idp" && wait_healthy "http://127.0.0.1:$api" || { tail -n 40 "$WORK"/*.log; exit 1; }

  log "$provider: measuring"
  dotnet "$BENCH" measure "http://127.0.0.1:$api" "http://127.0.0.1:$idp" demo "$REQUESTS" "$provider, $STUDIES studies"
  echo
  stop_pids
  stop_pg
done
