#!/usr/bin/env bash
# DrimCloud's one test command (also what CI runs: .ci/run calls it on a clean checkout).
#
#   ./test.sh [extra dotnet test arguments]
#
# 1. installs, once and idempotently, the real services the tests use: PostgreSQL, DCMTK, Orthanc (+ DICOMweb
#    plugin), pydicom, GDCM tools, picture decoders (libpng-tools, netpbm, libjpeg-turbo-progs), python3-hl7
#    (mllp_send) (apt), Azurite and dicomweb-client (npm, pinned in tools/azurite and tools/dicomweb-client);
# 2. starts PostgreSQL and Azurite on free 127.0.0.1 ports with throw-away data folders;
# 3. exports their connection strings (DRIMCLOUD_TEST_POSTGRES, DRIMCLOUD_TEST_AZURITE) and DRIMCLOUD_CI=1
#    (tests then fail instead of skipping when a peer is missing);
# 4. builds and runs every test project; 5. stops only what it started; exits with the tests' status.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
START=$(date +%s)
log() { printf '[test.sh %(%H:%M:%S)T] %s\n' -1 "$*"; }

# ---------------------------------------------------------------- 1. install what is missing
APT_PACKAGES=(postgresql dcmtk orthanc orthanc-dicomweb python3-pydicom libgdcm-tools libpng-tools netpbm libjpeg-turbo-progs python3-hl7)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]} (apt)"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ ! -f tools/azurite/node_modules/azurite/package.json ]; then
  log "installing Azurite (npm ci in tools/azurite)"
  (cd tools/azurite && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
if [ ! -f tools/dicomweb-client/node_modules/dicomweb-client/package.json ]; then
  log "installing dicomweb-client (npm ci in tools/dicomweb-client)"
  (cd tools/dicomweb-client && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
dotnet tool restore >/dev/null

# ---------------------------------------------------------------- 2. start the services
WORK=$(mktemp -d /tmp/drimcloud-test.XXXXXX)
chmod 755 "$WORK"
PIDS=()
cleanup() {
  local status=$?
  if [ -n "${PG_BIN:-}" ] && [ -f "$WORK/pg/postmaster.pid" ]; then
    "${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$WORK/pg" -m fast -w stop >/dev/null 2>&1 || true
  fi
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
  log "done in $(( $(date +%s) - START )) s"
  exit $status
}
trap cleanup EXIT INT TERM

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
PG_PORT=$(free_port)
PG_PASSWORD="test-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
RUN_AS=()
if [ "$(id -u)" = 0 ]; then RUN_AS=(setpriv --reuid=postgres --regid=postgres --init-groups --); fi
mkdir -p "$WORK/pg"
[ "$(id -u)" = 0 ] && chown postgres:postgres "$WORK/pg"
printf '%s\n' "$PG_PASSWORD" > "$WORK/pgpass"; chmod 644 "$WORK/pgpass"
"${RUN_AS[@]}" "$PG_BIN/initdb" -D "$WORK/pg" -U postgres --pwfile="$WORK/pgpass" --auth=scram-sha-256 \
  -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
rm -f "$WORK/pgpass"
"${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$WORK/pg" -w -l "$WORK/pg/server.log" \
  -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null
log "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT"

AZ_PORT=$(free_port)
mkdir -p "$WORK/azurite"
node tools/azurite/node_modules/azurite/dist/src/blob/main.js --blobHost 127.0.0.1 --blobPort "$AZ_PORT" \
  --location "$WORK/azurite" --skipApiVersionCheck --loose --silent > "$WORK/azurite.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do
  (exec 3<>/dev/tcp/127.0.0.1/"$AZ_PORT") 2>/dev/null && break
  sleep 0.1
done
log "Azurite on 127.0.0.1:$AZ_PORT"

# Azurite's account key is its well-known public development key, not a secret.
export DRIMCLOUD_TEST_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Password=$PG_PASSWORD;Database=postgres;Timeout=15"
export DRIMCLOUD_TEST_AZURITE="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$AZ_PORT/devstoreaccount1;"
export DRIMCLOUD_CI=1
export DRIMCLOUD_SAMPLES="${DRIMCLOUD_SAMPLES:-$(cd "$ROOT/.." && pwd)/shared/dicom-samples}"
export TCP_NODELAY=1   # DCMTK peers: without it every C-STORE waits for a delayed ACK
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# ---------------------------------------------------------------- 3. build and test
log "building"
dotnet build DrimCloud.sln -c Debug -v quiet -nologo -p:DrimCloudAnalyzers=true 2>&1 | grep -Ev "^\s*$" | tail -n 5
mkdir -p artifacts/test-results
log "testing"
set +e
dotnet test DrimCloud.sln --no-build -c Debug --logger "trx" --results-directory artifacts/test-results "$@" 2>&1 \
  | tee "$WORK/test.log" | grep -E "^(Passed!|Failed!|  Failed |\s+Failed|Skipped!)|error|\[FAIL\]|Total tests|Test Run" 
status=${PIPESTATUS[0]}
set -e
passed=$(grep -Eo "Passed: +[0-9]+" "$WORK/test.log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo "Failed: +[0-9]+" "$WORK/test.log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -Eo "Skipped: +[0-9]+" "$WORK/test.log" | awk '{s+=$2} END {print s+0}')
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  tail -n 60 "$WORK/test.log"
fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
