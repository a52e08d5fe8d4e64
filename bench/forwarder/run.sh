#!/usr/bin/env bash
# End-to-end forwarder benchmark: storescu -> forwarder -> cloud for an N-instance CT series (clones of the corpus's
# cwil/CTImage.dcm, 512x512, ~530 KB each) against a direct STOW-RS upload of the same files, side by side in one run.
# Prints the throughput ratio, the time from the last C-STORE response to the study fully visible through QIDO-RS,
# and the forwarder's peak RSS; then the same latency for a SMALL-instance study sent to an idle forwarder (when the
# cloud's ingest is not the bottleneck, what the forwarder itself adds). Before timing, both sides are warmed with
# WARM-instance series of their own, in rounds until the API's JIT has settled (WARM=0: cold start); each phase prints
# every process's CPU ms per instance. TMPDIR picks the disk (bench/journaled-fs.sh: a journaled one, as in production).
#
#   bench/forwarder/run.sh            # env: N=2000 SMALL=50 WARM=200 CONFIG=Release BATCH=100 CONCURRENCY=4
#                                     #      ROUNDS=1: direct then forwarder this many times, each on a fresh series; medians
#                                     #      ASSOCIATIONS=1: storescu processes sending the series at once, each on
#                                     #      its own association (every n-th file), as a PACS routing on several associations
#                                     #      FORWARDER=dll|single-file (single-file: the published linux-x64 executable)
#                                     #      SITES=split: the hospital side (storescu, this script's client, the forwarder) on
#                                     #      CPU 0 and the cloud (Identity, API) on CPU 1, as two machines would be; default
#                                     #      "shared": every process on both CPUs (each path also pays for the other side)
#                                     #      STRACE=1: count the forwarder's fsync/fdatasync/rename/openat calls over the whole
#                                     #      run (warm-up, series, small study) into ./strace-forwarder.txt (slows it: figures not comparable)
#
# Needs dotnet, DCMTK (storescu), python3-pydicom (/usr/bin/python3). Embedded platform (SQLite, file blobs) in a
# throw-away folder, services on free 127.0.0.1 ports; only the processes this script started are stopped (by PID).
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${N:-2000}
CONFIG=${CONFIG:-Release}
BATCH=${BATCH:-100}
CONCURRENCY=${CONCURRENCY:-4}
FORWARDER=${FORWARDER:-single-file}
SITES=${SITES:-shared}
case "$SITES" in
  shared) HOSPITAL=(); CLOUD=() ;;
  split) HOSPITAL=(taskset -c 0); CLOUD=(taskset -c 1) ;;
  *) echo "SITES must be shared or split" >&2; exit 2 ;;
esac
log() { printf '[forwarder-bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

# Files deleted in the last 60 s make every file creation slow on this journal-less ext4 (bench/dicomweb/README.md):
# the previous benchmark's clean-up is stamped here, and measuring waits until it is 65 s old.
CLEANUP_STAMP=/tmp/drimcloud-bench-cleanup.stamp
wait_for_old_deletions() {
  [ -f "$CLEANUP_STAMP" ] || return 0
  local age=$(( $(date +%s) - $(stat -c %Y "$CLEANUP_STAMP") ))
  if [ "$age" -lt 65 ]; then log "waiting $((65 - age)) s: the previous run's files were deleted ${age} s ago"; sleep $((65 - age)); fi
}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/drimcloud-fwd-bench.XXXXXX")
PIDS=()
cleanup() {
  local status=$?
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ $status -ne 0 ] && tail -n 30 "$WORK"/*.log >&2
  rm -rf "$WORK"
  touch "$CLEANUP_STAMP"
  exit $status
}
trap cleanup EXIT INT TERM

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_healthy() {
  for _ in $(seq 1 240); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$1/health" || true)" = 200 ] && return 0
    sleep 0.5
  done
  log "$1 did not become healthy"; return 1
}
start_service() {
  local project=$1; shift
  (cd "src/$project/bin/$CONFIG/net10.0" && exec ${CLOUD[@]+"${CLOUD[@]}"} env "$@" dotnet "$project.dll" >"$WORK/$project.log" 2>&1) &
  PIDS+=($!)
}

log "building ($CONFIG)"
for p in src/DrimCloud.MigrationService src/DrimCloud.Identity src/DrimCloud.Api src/DrimCloud.Forwarder; do
  dotnet build "$p" -c "$CONFIG" -v quiet -nologo 2>&1 | grep -E " error |rror\(s\)" | grep -v " 0 Error" || true
done
if [ "$FORWARDER" = single-file ]; then
  dotnet publish src/DrimCloud.Forwarder -p:PublishProfile=linux-x64 -v quiet -nologo 2>&1 | grep -E " error " || true
  FORWARDER_CMD=(artifacts/forwarder/linux-x64/drimcloud-forwarder)
else
  FORWARDER_CMD=(dotnet "src/DrimCloud.Forwarder/bin/$CONFIG/net10.0/drimcloud-forwarder.dll")
fi

log "generating $N instances"
/usr/bin/python3 bench/dimse/make_data.py series "$WORK/series" "$N"
/usr/bin/python3 bench/dimse/make_data.py series "$WORK/small" "${SMALL:-50}"
WARM=${WARM:-200}
mkdir -p "$WORK/warm"

common=(ASPNETCORE_ENVIRONMENT=Development DOTNET_ENVIRONMENT=Development "DrimCloud__DataDir=$WORK/data" Database__Provider=Sqlite
        Blobs__Provider=FileSystem Logging__LogLevel__Default=Warning DOTNET_CLI_TELEMETRY_OPTOUT=1)
mkdir -p "$WORK/data"
(cd "src/DrimCloud.MigrationService/bin/$CONFIG/net10.0" && env "${common[@]}" dotnet DrimCloud.MigrationService.dll >"$WORK/migrations.log" 2>&1)
idp=$(free_port); api=$(free_port)
start_service DrimCloud.Identity "${common[@]}" "ASPNETCORE_URLS=http://127.0.0.1:$idp" "Identity__Issuer=http://127.0.0.1:$idp/"
# DOTNET_PerfMapEnabled=3: the perf map tells the warm-up when the API's JIT has settled (bench/common/warm.py)
start_service DrimCloud.Api "${common[@]}" DOTNET_PerfMapEnabled=3 "ASPNETCORE_URLS=http://127.0.0.1:$api" "Identity__Issuer=http://127.0.0.1:$idp/"
API_PID=$!
wait_healthy "http://127.0.0.1:$idp"; wait_healthy "http://127.0.0.1:$api"

dicom=$(free_port); status=$(free_port)
env Forwarder__Tenant=demo Forwarder__ClientId=demo-forwarder Forwarder__ClientSecret=dev-secret \
    "Forwarder__Cloud__ApiUrl=http://127.0.0.1:$api/" "Forwarder__Cloud__IdentityUrl=http://127.0.0.1:$idp/" \
    "Forwarder__Dicom__Port=$dicom" Forwarder__Dicom__BindAddress=127.0.0.1 "Forwarder__Status__Port=$status" \
    "Forwarder__Spool__Folder=$WORK/spool" "Forwarder__Upload__MaxInstancesPerRequest=$BATCH" "Forwarder__Upload__Concurrency=$CONCURRENCY" \
    Logging__LogLevel__Default=Warning ${HOSPITAL[@]+"${HOSPITAL[@]}"} "${FORWARDER_CMD[@]}" >"$WORK/forwarder.log" 2>&1 &
FWD=$!
PIDS+=($FWD)
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$status/status" >/dev/null && break; sleep 0.5; done

if [ "${STRACE:-0}" = 1 ]; then
  strace -f -c -e trace=fsync,fdatasync,sync_file_range,syncfs,rename,renameat,renameat2,openat -o "$PWD/strace-forwarder.txt" -p "$FWD" 2>"$WORK/strace.log" &
  STRACE_PID=$!
  sleep 1
fi
wait_for_old_deletions
log "measuring (forwarder: $FORWARDER, pid $FWD, CPUs: $SITES)"
${HOSPITAL[@]+"${HOSPITAL[@]}"} /usr/bin/python3 bench/forwarder/bench.py --api "http://127.0.0.1:$api" --identity "http://127.0.0.1:$idp" --series "$WORK/series" \
  --forwarder-pid "$FWD" --dicom-port "$dicom" --batch "$BATCH" --concurrency "$CONCURRENCY" \
  --small-series "$WORK/small" --api-pid "$API_PID" --associations "${ASSOCIATIONS:-1}" --warm "$WARM" --scratch "$WORK/warm" --rounds "${ROUNDS:-1}"
curl -s "http://127.0.0.1:$status/status" > "$WORK/status.json"
if [ -n "${STRACE_PID:-}" ]; then kill -INT "$STRACE_PID"; wait "$STRACE_PID" || true; log "syscall counts in strace-forwarder.txt"; fi
/usr/bin/python3 -c "import json,sys; s=json.load(open(sys.argv[1])); print('forwarder queue after the run:', s['queue']['instances'], 'instances; uploaded', s['upload']['instancesUploaded'])" "$WORK/status.json"
