#!/usr/bin/env bash
# Packaging check of the forwarder: `dotnet publish` with each publish profile (linux-x64, win-x64: self-contained,
# single file), then checks that each output folder holds exactly one executable of the right kind (`file`: ELF
# x86-64 / PE32+ console x86-64) plus appsettings.json, and prints its size and the publish time.
#
#   bench/forwarder/publish-check.sh          # env: PROFILES="linux-x64 win-x64"
#
# Needs the runtime packs of the SDK's .NET version for both RIDs from the NuGet feed. Exit code 1 if a check fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
PROFILES=${PROFILES:-"linux-x64 win-x64"}
log() { printf '[publish-check %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
command -v file >/dev/null || { echo "publish-check: the 'file' command is missing (apt-get install file)" >&2; exit 1; }

failed=0
declare -a rows
for profile in $PROFILES; do
  out="artifacts/forwarder/$profile"
  rm -rf "$out"
  log "dotnet publish -p:PublishProfile=$profile"
  start=$(date +%s.%N)
  if ! dotnet publish src/DrimCloud.Forwarder -p:PublishProfile="$profile" -nologo -v q > "/tmp/publish-check-$profile.log" 2>&1; then
    tail -n 20 "/tmp/publish-check-$profile.log" >&2
    echo "FAIL $profile: dotnet publish failed" >&2; failed=1; continue
  fi
  seconds=$(echo "$(date +%s.%N) - $start" | bc)
  case "$profile" in
    win-*) exe="$out/drimcloud-forwarder.exe"; kind='PE32\+ executable.*x86-64' ;;
    *) exe="$out/drimcloud-forwarder"; kind='ELF 64-bit LSB .*x86-64' ;;
  esac
  # What may sit next to the executable: its configuration only (no runtime DLLs, no .pdb: one file to install).
  others=$(find "$out" -type f ! -path "$exe" ! -name appsettings.json ! -name 'appsettings.*.json' -printf '%f ')
  description=$(file -b "$exe" 2>/dev/null || echo missing)
  if [ ! -f "$exe" ]; then echo "FAIL $profile: $exe is missing" >&2; failed=1; continue; fi
  if ! grep -Eq "$kind" <<<"$description"; then echo "FAIL $profile: $exe is '$description'" >&2; failed=1; fi
  if [ -n "$others" ]; then echo "FAIL $profile: more than one file to install: $others" >&2; failed=1; fi
  [ -f "$out/appsettings.json" ] || { echo "FAIL $profile: no appsettings.json" >&2; failed=1; }
  size=$(stat -c %s "$exe")
  rows+=("$(printf '%-10s %8.1f MB %6.0f s  %s' "$profile" "$(echo "$size / 1000000" | bc -l)" "$seconds" "$description")")
done

printf '\n%-10s %11s %8s  %s\n' profile size publish "file(1)"
for r in "${rows[@]}"; do echo "$r"; done
exit $failed
