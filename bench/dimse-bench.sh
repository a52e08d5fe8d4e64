#!/usr/bin/env bash
# DIMSE benchmark: DrimCloud vs DCMTK (storescu/storescp) on 127.0.0.1, side by side in one run.
# Builds the CLI in Release, then runs bench/dimse/bench_dimse.py. Options are passed through, e.g.
#   bench/dimse-bench.sh --n 2000 --runs 3 --json results.json
# Needs: dotnet, dcmtk (storescu, storescp), python3-pydicom (/usr/bin/python3). Takes ~5-10 min with defaults.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(mktemp -d -t drimcloud-cli-XXXXXX)"
trap 'rm -rf "$build"' EXIT
# ReadyToRun spares the CLI most of its JIT time at start (the SCU figure is whole-process); plain build if the
# ReadyToRun compiler package cannot be restored.
dotnet publish "$root/src/DrimCloud.Cli" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$build" -v quiet -nologo >/dev/null \
  || dotnet build "$root/src/DrimCloud.Cli" -c Release -o "$build" -v quiet -nologo >/dev/null
exec /usr/bin/python3 "$root/bench/dimse/bench_dimse.py" --drimcloud "dotnet $build/drimcloud.dll" "$@"
