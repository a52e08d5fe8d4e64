#!/usr/bin/env bash
# DICOMweb STOW-RS / WADO-RS: DrimCloud and Orthanc side by side on this machine, same data, one table.
#
#   bench/dicomweb/run.sh                 # env: N=2000 BIG_N=4000 RUNS=3 CLIENTS=1,4 JSON=results.json
#                                         #      DATA=folder to keep/reuse the generated data (default: temp)
#                                         #      PHASES=stow,wado,metadata,corpus,big (default: all), e.g.
#                                         #      PHASES=wado,metadata,big for retrieve only
#
# 1. builds DrimCloud.MigrationService, Identity and Api in Release;
# 2. generates (pydicom) a series of N clones of the real CT slice cwil/CTImage.dcm (512x512x16 bit, ~530 KB each)
#    and a "big" study of BIG_N clones (~2.1 GB with 4,000) for the memory measurement;
# 3. runs bench_dicomweb.py: starts DrimCloud (SQLite + file blobs, throw-away data folder) and Orthanc (default
#    SQLite storage, throw-away folder) on free 127.0.0.1 ports, measures, prints the table, stops what it started.
# Needs: dotnet, orthanc + orthanc-dicomweb, python3-pydicom (/usr/bin/python3). See README.md for the figures.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
N=${N:-2000}
BIG_N=${BIG_N:-4000}
RUNS=${RUNS:-3}
CLIENTS=${CLIENTS:-1,4}
PHASES=${PHASES:-stow,wado,metadata,corpus,big}
SAMPLES=${DRIMCLOUD_SAMPLES:-$(cd "$ROOT/.." && pwd)/shared/dicom-samples}
log() { printf '[dicomweb-bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

command -v Orthanc >/dev/null && [ -f /usr/share/orthanc/plugins/libOrthancDicomWeb.so ] \
  || { echo "Orthanc and orthanc-dicomweb are needed (apt-get install orthanc orthanc-dicomweb)" >&2; exit 1; }
[ -f "$SAMPLES/MANIFEST.tsv" ] || { echo "sample corpus not found: set DRIMCLOUD_SAMPLES" >&2; exit 1; }

TMP=$(mktemp -d /tmp/drimcloud-dicomweb-data.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
DATA=${DATA:-$TMP}

log "building (Release)"
for p in src/DrimCloud.MigrationService src/DrimCloud.Identity src/DrimCloud.Api; do
  dotnet build "$p" -c Release -v quiet -nologo 2>&1 | grep -E " error |rror\(s\)" | grep -v " 0 Error" || true
done

generate() { # folder count seed
  if [ "$(ls "$1" 2>/dev/null | wc -l)" != "$2" ]; then
    rm -rf "$1"
    /usr/bin/python3 bench/dicomweb/make_data.py "$SAMPLES/cwil/CTImage.dcm" "$1" "$2" --seed "$3" >&2
  fi
}
log "generating data in $DATA (reused when already there)"
generate "$DATA/series-$N" "$N" 1
generate "$DATA/big-$BIG_N" "$BIG_N" 2

log "measuring (load: $(cut -d' ' -f1-3 /proc/loadavg))"
/usr/bin/python3 bench/dicomweb/bench_dicomweb.py --repo "$ROOT" --series "$DATA/series-$N" --big "$DATA/big-$BIG_N" \
  --corpus "$SAMPLES" --clients "$CLIENTS" --runs "$RUNS" --phases "$PHASES" ${JSON:+--json "$JSON"}
