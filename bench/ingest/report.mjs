// Markdown table from the JSON lines of run.sh: node bench/ingest/report.mjs RESULTS.jsonl
// Rows/s for every tool = data rows (rows below the header row, as thongke counts them: the same
// files, the same number for every tool) ÷ that tool's wall time.
import { readFileSync } from 'node:fs';

const lines = readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const by = Object.fromEntries(lines.map((l) => [l.tool, l]));
const rows = (by['thongke-seq'] ?? by['thongke-pool']).rows;
const what = {
  'unzip-floor': 'yauzl + zlib: inflate sheet1.xml and sharedStrings.xml, discard (1 thread)',
  'unzip-p-floor': '`unzip -p` sheet1.xml and sharedStrings.xml > /dev/null, one process per file',
  'thongke-seq': 'parseWorkbook, one file after another: read, find header, check every cell, write Parquet (1 thread)',
  'thongke-pool': 'parseInThread, pool of 2 threads, as the ingest worker (2 threads)',
  'pandas-openpyxl': "pd.read_excel(sheet_name=0, header=None, engine='openpyxl'), read only (1 thread)",
  'pandas-calamine': "pd.read_excel(sheet_name=0, header=None, engine='calamine'), read only (1 thread)",
  'polars-fastexcel': "pl.read_excel(sheet_id=1, engine='calamine', has_header=False), read only",
};
const fmt = (n, d = 0) => n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const rate = (t) => rows / by[t].seconds;
const out = [];
out.push(`${lines[0].files} files, ${fmt(rows)} data rows (rows below the header row, counted by thongke; every tool reads the same files)`, '');
out.push('| tool | what it does | wall (s) | files/s | rows/s | × pandas+openpyxl | thongke-pool ÷ this |');
out.push('|---|---|---:|---:|---:|---:|---:|');
for (const l of lines) {
  const r = rate(l.tool);
  const vsOpenpyxl = by['pandas-openpyxl'] ? fmt(r / rate('pandas-openpyxl'), 2) : '–';
  const poolVs = by['thongke-pool'] ? fmt(rate('thongke-pool') / r, 2) : '–';
  out.push(`| ${l.tool} | ${what[l.tool] ?? ''} | ${fmt(l.seconds, 2)} | ${fmt(l.files / l.seconds, 1)} | ${fmt(r)} | ${vsOpenpyxl} | ${poolVs} |`);
}
const t = by['thongke-seq'];
if (t) out.push('', `thongke outcome: ${fmt(t.parsed)} of ${fmt(t.files)} files parsed (${t.forms}); rows accepted ${fmt(t.accepted)}, rejected ${fmt(t.rejected)}, ignored ${fmt(t.ignored)}.`);
const peerRows = lines.filter((l) => l.sheetRows !== undefined).map((l) => `${l.tool} ${fmt(l.sheetRows)}`);
if (peerRows.length) out.push(`Rows returned by the peers for the whole first sheet (title block and header included): ${peerRows.join(', ')}.`);
console.log(out.join('\n'));
