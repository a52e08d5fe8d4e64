#!/usr/bin/env bash
# Intake only: how fast the forwarder's Storage SCP takes in an N-instance CT series from one storescu association
# (`+sd`, synchronous DIMSE, TCP_NODELAY), next to DCMTK's storescp receiving the same files on the same disk.
# The forwarder's cloud URLs point at a closed port, so it only spools (its uploader backs off and stays idle).
#
#   bench/forwarder/intake.sh        # env: N=2000 ROUNDS=1 CONFIG=Release FORWARDER=dll|single-file DATA=<existing series dir> BUILD=0|1
#                                    #      RECEIVERS="storescp storescp-fsync forwarder" (any of them)
#                                    #      FORWARDER_ENV="NAME=value ..." (e.g. runtime knobs to compare)
#                                    #      PERF=1: also `perf record -g` the forwarder during its last round (perf.data kept in $PWD;
#                                    #      perf map on and W^X off so that JIT-compiled frames have names)
#
# storescp (`+B`, bit-preserving) writes each file and answers without any fsync; storescp-fsync adds an fsync of each
# file before the answer (`-xcr "sync #p/#f" -xs`, one extra process per instance, so it is a pessimistic peer). The
# forwarder answers only after the file and the journal record are flushed (the journal with fdatasync); the file is
# one of the empty spares the forwarder creates ahead in the background (its name already durable), or, when they
# run out, a new file in objects/, whose folder is fsync'd too. "CPU ms/i": the
# receiver process's CPU time (user + system) per instance in the best round; storescu's own is not counted.
# Needs dotnet, DCMTK, python3-pydicom. Only the processes this script started are stopped (by PID).
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${N:-2000}
ROUNDS=${ROUNDS:-1}
RECEIVERS=${RECEIVERS:-storescp storescp-fsync forwarder}
CONFIG=${CONFIG:-Release}
FORWARDER=${FORWARDER:-dll}
log() { printf '[intake-bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/drimcloud-intake-bench.XXXXXX")
PIDS=()
cleanup() {
  local status=$?
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ $status -ne 0 ] && tail -n 30 "$WORK"/*.log >&2
  rm -rf "$WORK"
  exit $status
}
trap cleanup EXIT INT TERM
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_port() { for _ in $(seq 1 240); do (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.25; done; log "port $1 never opened"; return 1; }

if [ "${BUILD:-1}" = 0 ]; then
  log "not building (BUILD=0)"
fi
if [ "$FORWARDER" = single-file ]; then
  [ "${BUILD:-1}" = 0 ] || log "publishing the forwarder (linux-x64 single file)"
  [ "${BUILD:-1}" = 0 ] || dotnet publish src/DrimCloud.Forwarder -p:PublishProfile=linux-x64 -v quiet -nologo 2>&1 | grep -E " error " || true
  FORWARDER_CMD=("$PWD/artifacts/forwarder/linux-x64/drimcloud-forwarder")
else
  [ "${BUILD:-1}" = 0 ] || log "building the forwarder ($CONFIG)"
  [ "${BUILD:-1}" = 0 ] || dotnet build src/DrimCloud.Forwarder -c "$CONFIG" -v quiet -nologo 2>&1 | grep -E " error |rror\(s\)" | grep -v " 0 Error" || true
  FORWARDER_CMD=(dotnet "$PWD/src/DrimCloud.Forwarder/bin/$CONFIG/net10.0/drimcloud-forwarder.dll")
fi

if [ -n "${DATA:-}" ]; then
  SERIES=$DATA
else
  log "generating $N instances"
  SERIES=$WORK/series
  /usr/bin/python3 bench/dimse/make_data.py series "$SERIES" "$N"
fi
COUNT=$(find "$SERIES" -name '*.dcm' | wc -l)
BYTES=$(find "$SERIES" -name '*.dcm' -printf '%s\n' | awk '{s+=$1} END {print s}')
cat "$SERIES"/*.dcm >/dev/null # page cache warm for every run

# Runs storescu against 127.0.0.1:$1 with AE title $2; prints the seconds it took.
send() {
  local start end
  start=$(date +%s.%N)
  TCP_NODELAY=1 storescu -q -R -nh -xe -aec "$2" +sd 127.0.0.1 "$1" "$SERIES" >>"$WORK/storescu.log" 2>&1
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}
# Checks that the receiver kept exactly COUNT files.
check_count() {
  local got
  # Not empty: the forwarder's instances are in objects/ or in spares of recycled/ (empty spares are not instances).
  got=$(find $1 -type f -name "$2" -size +0 | wc -l)
  [ "$got" -eq "$COUNT" ] || { log "$3 kept $got of $COUNT instances"; return 1; }
}

# CPU time (user + system, with reaped children) a process has used so far, in clock ticks.
cpu_ticks() { awk '{print $14 + $15 + $16 + $17}' "/proc/$1/stat"; }
TICK=$(getconf CLK_TCK)

declare -A RESULTS CPU
# record MODE SECONDS CPU_TICKS: keeps the run's time and the receiver's CPU milliseconds per instance.
record() {
  RESULTS[$1]="${RESULTS[$1]:-} $2"
  CPU[$1,$2]=$(echo "$3 * 1000 / $TICK / $COUNT" | bc -l)
}

for round in $(seq 1 "$ROUNDS"); do
  for mode in storescp storescp-fsync; do
    [[ " $RECEIVERS " == *" $mode "* ]] || continue
    port=$(free_port)
    # Every run writes to a folder of its own, deleted only at exit: deleting thousands of files just before a run
    # slows its file creations (ext4 without a journal skips recently deleted inodes when allocating one).
    out=$WORK/$mode-$round && mkdir -p "$out"
    extra=()
    [ "$mode" = storescp-fsync ] && extra=(-xcr "sync #p/#f" -xs)
    TCP_NODELAY=1 storescp -aet STORESCP +B -od "$out" "${extra[@]}" "$port" >"$WORK/storescp.log" 2>&1 &
    scp_pid=$!
    PIDS+=($scp_pid)
    wait_port "$port"
    cpu0=$(cpu_ticks "$scp_pid")
    secs=$(send "$port" STORESCP)
    cpu=$(( $(cpu_ticks "$scp_pid") - cpu0 ))
    check_count "$out" '*' "$mode"
    kill "$scp_pid"; wait "$scp_pid" 2>/dev/null || true
    record "$mode" "$secs" "$cpu"
    log "round $round $mode: $secs s"
  done

  [[ " $RECEIVERS " == *" forwarder "* ]] || continue
  dicom=$(free_port); closed=$(free_port)
  spool=$WORK/spool-$round
  read -ra fwd_env <<<"${FORWARDER_ENV:-}"
  env "${fwd_env[@]}" Forwarder__Tenant=demo Forwarder__ClientId=demo-forwarder Forwarder__ClientSecret=x \
      "Forwarder__Cloud__ApiUrl=http://127.0.0.1:$closed/" "Forwarder__Cloud__IdentityUrl=http://127.0.0.1:$closed/" \
      "Forwarder__Dicom__Port=$dicom" Forwarder__Dicom__BindAddress=127.0.0.1 Forwarder__Status__Port=-1 \
      "Forwarder__Spool__Folder=$spool" Logging__LogLevel__Default=Warning DOTNET_PerfMapEnabled="${PERF:-0}" DOTNET_EnableWriteXorExecute="$((1 - ${PERF:-0}))" \
      "${FORWARDER_CMD[@]}" >"$WORK/forwarder.log" 2>&1 &
  fwd=$!
  PIDS+=($fwd)
  wait_port "$dicom"
  perf_pid=
  if [ "${PERF:-0}" = 1 ] && [ "$round" = "$ROUNDS" ]; then
    perf record -F 999 -g -p "$fwd" -o "$PWD/perf.data" >"$WORK/perf.log" 2>&1 &
    perf_pid=$!
    sleep 1
  fi
  cpu0=$(cpu_ticks "$fwd")
  secs=$(send "$dicom" DRIMCLOUD)
  cpu=$(( $(cpu_ticks "$fwd") - cpu0 ))
  if [ -n "$perf_pid" ]; then kill -INT "$perf_pid"; wait "$perf_pid" || true; fi
  check_count "$spool/objects $spool/recycled" '*.dcm' forwarder
  rss=$(awk '/VmHWM/ {print $2}' "/proc/$fwd/status")
  kill "$fwd"; wait "$fwd" 2>/dev/null || true
  record forwarder "$secs" "$cpu"
  log "round $round forwarder: $secs s, peak RSS $((rss / 1024)) MB"
done

printf '\nintake of %d instances, %.0f MB (10^6 bytes), one storescu +sd association; %s round(s), best shown; load %s\n' \
  "$COUNT" "$(echo "$BYTES / 1000000" | bc -l)" "$ROUNDS" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-34s %8s %8s %7s %9s   %s\n' receiver seconds inst/s MB/s "CPU ms/i" "all rounds (s)"
for mode in $RECEIVERS; do
  best=$(tr ' ' '\n' <<<"${RESULTS[$mode]}" | grep . | sort -g | head -1)
  label=$mode
  case $mode in
    storescp) label="storescp +B (no fsync)" ;;
    storescp-fsync) label="storescp +B, sync per file (-xs)" ;;
    forwarder) label="forwarder (spool, fsync, journal)" ;;
  esac
  printf '%-34s %8.2f %8.0f %7.1f %9.2f  %s\n' "$label" "$best" "$(echo "$COUNT / $best" | bc -l)" "$(echo "$BYTES / 1000000 / $best" | bc -l)" \
    "${CPU[$mode,$best]}" "${RESULTS[$mode]}"
done
