#!/usr/bin/env bash
# Whole-process transfer syntax conversion of a ≥ 500 MB multi-frame, side by side in one run:
#   drimcloud dicom convert IN OUT -t ele      versus      dcmconv +te IN OUT
# The input is generated from the real CT slice (cwil/CTImage.dcm: 1000 frames, 524 MB, Implicit VR LE) into a
# temp dir and deleted at the end. Runs alternate (ours, theirs, ours, …) so that machine noise hits both alike;
# the medians and their ratio are printed. Usage: bench/dicom-convert-vs-dcmconv.sh [RUNS] [FRAMES]
set -euo pipefail

runs="${1:-5}"
frames="${2:-1000}"
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d /tmp/drimcloud-convert-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT

command -v dcmconv >/dev/null || { echo "dcmconv not found (apt-get install dcmtk)" >&2; exit 1; }

echo "building (Release)…" >&2
dotnet build -c Release -v q -nologo "$root/src/DrimCloud.Cli" >/dev/null
dotnet build -c Release -v q -nologo "$root/bench/DrimCloud.Benchmarks" >/dev/null
cli="$root/src/DrimCloud.Cli/bin/Release/net10.0/drimcloud.dll"
input="$work/multiframe.dcm"
dotnet "$root/bench/DrimCloud.Benchmarks/bin/Release/net10.0/DrimCloud.Benchmarks.dll" make-multiframe "$input" "$frames" >/dev/null
size=$(stat -c %s "$input")
cat "$input" > /dev/null   # page cache: both tools read from memory

now() { date +%s.%N; }
ours=()
theirs=()
for ((i = 1; i <= runs; i++)); do
  rm -f "$work/ours.dcm" "$work/theirs.dcm"
  t0=$(now); dotnet "$cli" dicom convert "$input" "$work/ours.dcm" --transfer-syntax 1.2.840.10008.1.2.1; t1=$(now)
  dcmconv +te "$input" "$work/theirs.dcm"; t2=$(now)
  ours+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')")
  theirs+=("$(awk -v a="$t1" -v b="$t2" 'BEGIN {print b - a}')")
  printf 'run %d: drimcloud %.3f s, dcmconv %.3f s\n' "$i" "${ours[-1]}" "${theirs[-1]}"
done

# Same content: the data set parts of both dumps (the meta header names each tool) must be identical, except
# private elements (implicit VR does not carry their VR: DCMTK types them from its private dictionary, we keep UN)
# and group lengths (retired: we drop them when converting, dcmconv recomputes them).
dataset_dump() { dcmdump -q "$1" | sed '1,/# Dicom-Data-Set/d' | grep -Ev '^ *\([0-9a-f]{3}[13579bdf],|^ *\([0-9a-f]{4},0000\)'; }
if cmp -s <(dataset_dump "$work/ours.dcm") <(dataset_dump "$work/theirs.dcm"); then
  echo "data sets written by both tools dump identically (dcmdump; private elements and group lengths aside)"
else
  echo "WARNING: the data sets written by the two tools differ:" >&2
  diff <(dataset_dump "$work/ours.dcm") <(dataset_dump "$work/theirs.dcm") | head -20 >&2
fi

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
m_ours=$(median "${ours[@]}")
m_theirs=$(median "${theirs[@]}")
calc() { awk "BEGIN {print $1}"; }
mb=$(calc "$size / 1000000")
printf '\ninput: %.1f MB (%d frames), %d runs each, medians:\n' "$mb" "$frames" "$runs"
printf '  drimcloud dicom convert: %.3f s (%.0f MB/s)\n' "$m_ours" "$(calc "$mb / $m_ours")"
printf '  dcmconv +te:             %.3f s (%.0f MB/s)\n' "$m_theirs" "$(calc "$mb / $m_theirs")"
printf '  ratio dcmconv / drimcloud: %.2f (above 1 means drimcloud is faster)\n' "$(calc "$m_theirs / $m_ours")"
