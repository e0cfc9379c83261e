#!/usr/bin/env bash
# Ingest parsing beside peers, in one run, on the same files:
#   bash bench/ingest/run.sh [SET_DIR] [SAMPLE]
# SET_DIR: a synthetic province set (default /tmp/bench/province-a, made by
#   `node bin/thongke.mjs fixtures --scale province --seed 1 --out DIR`).
# SAMPLE: take the first N files of the sorted list (default 0: all of them).
# Needs dist/ (`node scripts/setup.mjs`) and the peers' venv; made here when missing:
#   python3 -m venv bench/ingest/.venv && bench/ingest/.venv/bin/pip install pandas openpyxl python-calamine polars fastexcel pyarrow
# The files: the loose pupil lists `*_DanhSachHocSinh.xlsx` (not the commune zips, not .xls),
# sorted (C locale), written to $OUT/files.txt; every tool reads that list. Prints a markdown table.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
set_dir="${1:-/tmp/bench/province-a}"
sample="${2:-0}"
out="${OUT:-/tmp/thongke-bench-ingest}"
py="$here/.venv/bin/python"

if [ ! -x "$py" ]; then
  python3 -m venv "$here/.venv"
  "$here/.venv/bin/pip" install -q pandas openpyxl python-calamine polars fastexcel pyarrow
fi
[ -f "$root/dist/workflows/ingest/parse-workbook.js" ] || node "$root/scripts/setup.mjs"

rm -rf "$out" && mkdir -p "$out"
list="$out/files.txt"
find "$set_dir" -type f -name '*_DanhSachHocSinh.xlsx' | LC_ALL=C sort > "$list.all"
if [ "$sample" -gt 0 ]; then head -n "$sample" "$list.all" > "$list"; else cp "$list.all" "$list"; fi
rm "$list.all"
# warm the page cache so every tool starts from the same place
while IFS= read -r f; do cat "$f"; done < "$list" > /dev/null

{
  echo "machine: $(nproc) cores, $(awk '/^MemTotal/{printf "%.1f", $2/1048576}' /proc/meminfo) GiB, $(date -u +%F), node $(node --version), $("$py" --version)"
  "$py" -c 'import importlib.metadata as m; print("peers: " + ", ".join(f"{p} {m.version(p)}" for p in ["pandas","openpyxl","python-calamine","polars","fastexcel"]))'
  echo "files: $(wc -l < "$list") ($(cat "$list" | tr '\n' '\0' | du -ch --files0-from=- | tail -1 | cut -f1)), list $list sha256 $(sha256sum "$list" | cut -c1-16)"
} >&2

res="$out/results.jsonl"
: > "$res"
node "$here/floor.mjs" "$list" | tee -a "$res" >&2
# the same floor with Info-ZIP's unzip (C zlib), one process per file
t0=$(date +%s.%N)
while IFS= read -r f; do unzip -p "$f" xl/worksheets/sheet1.xml xl/sharedStrings.xml > /dev/null; done < "$list"
t1=$(date +%s.%N)
echo "{\"tool\":\"unzip-p-floor\",\"files\":$(wc -l < "$list"),\"seconds\":$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", b-a}')}" | tee -a "$res" >&2
node "$here/thongke.mjs" seq "$list" "$out/home-seq" | tee -a "$res" >&2
THONGKE_PARSE_THREADS=2 node "$here/thongke.mjs" pool "$list" "$out/home-pool" | tee -a "$res" >&2
for tool in pandas-openpyxl pandas-calamine polars-fastexcel; do
  "$py" "$here/peers.py" "$tool" "$list" | tee -a "$res" >&2
done
node "$here/report.mjs" "$res"
