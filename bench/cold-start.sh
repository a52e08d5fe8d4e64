#!/usr/bin/env bash
# Cold start of the local platform, as a newcomer meets it: a fresh clone (no bin/, no obj/), then the README's
# run command, `dotnet run --project DrimCloud.AppHost`, timed until every service answers:
#   API, Identity, Portal, Worker /health on their fixed ports (5100-5103), the demo forwarder's status page
#   (127.0.0.1:11180/status) and its DICOM (11112) and HL7 (2575) listeners.
#
#   bench/cold-start.sh            # env: REPO=path to clone (default: this repository), KEEP=1 keeps the clone
#
# The NuGet cache is whatever this machine has (a fresh clone, not a fresh machine). Prints the time to "built"
# (the AppHost's first log line) and to "all healthy", and the load average, which dominates on 2 cores.
set -euo pipefail
REPO=${REPO:-$(cd "$(dirname "$0")/.." && pwd)}
log() { printf '[cold-start %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

for port in 5100 5101 5102 5103 11112 11180 2575; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "port $port is already in use: stop the running platform first" >&2; exit 1
  fi
done

CLONE=$(mktemp -d /tmp/drimcloud-cold-start.XXXXXX)
APPHOST_PID=
cleanup() {
  if [ -n "$APPHOST_PID" ]; then kill -INT -- "-$APPHOST_PID" 2>/dev/null || true; sleep 3; kill -KILL -- "-$APPHOST_PID" 2>/dev/null || true; fi
  [ "${KEEP:-0}" = 1 ] || rm -rf "$CLONE"
}
trap cleanup EXIT
git clone -q "$REPO" "$CLONE"
log "fresh clone of $(git -C "$CLONE" log --oneline -1) in $CLONE; load $(cut -d' ' -f1-3 /proc/loadavg)"

healthy() { curl -fs -o /dev/null --max-time 2 "$1"; }
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start=$(date +%s.%N)
cd "$CLONE"
set -m
dotnet run --project DrimCloud.AppHost > "$CLONE/apphost.log" 2>&1 &
APPHOST_PID=$!
set +m

built=
deadline=$(( $(date +%s) + 600 ))
while :; do
  if ! kill -0 "$APPHOST_PID" 2>/dev/null; then echo "the AppHost exited:" >&2; tail -30 "$CLONE/apphost.log" >&2; exit 1; fi
  if [ -z "$built" ] && grep -q "Distributed application starting\|DrimCloud is starting" "$CLONE/apphost.log"; then
    built=$(date +%s.%N); log "built and starting after $(echo "$built - $start" | bc) s"
  fi
  if healthy http://localhost:5100/health && healthy http://localhost:5101/health && healthy http://localhost:5102/health \
     && healthy http://localhost:5103/health && healthy http://127.0.0.1:11180/status && listening 11112 && listening 2575; then
    break
  fi
  [ "$(date +%s)" -lt "$deadline" ] || { echo "not healthy after 600 s" >&2; tail -30 "$CLONE/apphost.log" >&2; exit 1; }
  sleep 0.5
done
done_at=$(date +%s.%N)
printf 'cold start: built %.1f s, every service healthy %.1f s after `dotnet run` (load %s)\n' \
  "$(echo "${built:-$done_at} - $start" | bc)" "$(echo "$done_at - $start" | bc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
grep -m1 -o "Login to the dashboard at [^ ]*\|Now listening on: [^ ]*" "$CLONE/apphost.log" || true
