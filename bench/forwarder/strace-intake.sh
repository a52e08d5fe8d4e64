#!/bin/bash
# Counts the forwarder's device flushes during an intake: starts the Release build of the forwarder in TREE (its cloud
# on a closed port, so it only spools), attaches `strace -f -c -w` (wall time in each call) for fsync, fdatasync,
# rename and openat, sends the series in DATA with storescu (one association, +sd) and prints the counts. The times
# are slowed by strace; the counts are what it is for. Build first: dotnet build src/DrimCloud.Forwarder -c Release.
#
#   bench/forwarder/strace-intake.sh TREE DATA       # e.g. . /tmp/series (bench/dimse/make_data.py series DIR 2000 64)
set -e
TREE=$(cd "$1" && pwd); DATA=$2
W=$(mktemp -d /tmp/strace-intake.XXXXXX)
fp() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
dicom=$(fp); closed=$(fp)
env Forwarder__Tenant=demo Forwarder__ClientId=demo-forwarder Forwarder__ClientSecret=x \
  "Forwarder__Cloud__ApiUrl=http://127.0.0.1:$closed/" "Forwarder__Cloud__IdentityUrl=http://127.0.0.1:$closed/" \
  "Forwarder__Dicom__Port=$dicom" Forwarder__Dicom__BindAddress=127.0.0.1 Forwarder__Status__Port=-1 \
  "Forwarder__Spool__Folder=$W/spool" Logging__LogLevel__Default=Warning \
  dotnet "$TREE/src/DrimCloud.Forwarder/bin/Release/net10.0/drimcloud-forwarder.dll" >"$W/fwd.log" 2>&1 &
FWD=$!
trap 'kill ${ST:-} $FWD 2>/dev/null || true; rm -rf "$W"' EXIT
for _ in $(seq 1 120); do (echo >"/dev/tcp/127.0.0.1/$dicom") 2>/dev/null && break; sleep 0.25; done
sleep 2
strace -f -c -w -e trace=fsync,fdatasync,rename,openat -o "$W/strace.txt" -p $FWD 2>/dev/null &
ST=$!
sleep 1
s=$(date +%s.%N)
TCP_NODELAY=1 storescu -q -R -nh -xe -aec DRIMCLOUD +sd 127.0.0.1 "$dicom" "$DATA" >"$W/storescu.log" 2>&1
e=$(date +%s.%N)
kill -INT $ST; wait $ST || true
kill $FWD; wait $FWD 2>/dev/null || true
echo "$(basename $TREE): storescu $(echo "$e - $s" | bc -l | cut -c1-5) s under strace; files objects=$(find $W/spool/objects -name '*.dcm' | wc -l) recycled(non-empty)=$(find $W/spool/recycled -name '*.dcm' -size +0 | wc -l)"
grep -E "fsync|fdatasync|rename|openat|total" "$W/strace.txt"
