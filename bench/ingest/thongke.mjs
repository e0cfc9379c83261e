// thongke's parser over a list of workbooks: node bench/ingest/thongke.mjs seq|pool LIST HOME
// seq:  parseWorkbook one file after another in this process.
// pool: parseInThread (the ingest worker's thread pool; size from THONGKE_PARSE_THREADS), all
//       files submitted at once, the pool runs them two at a time.
// Each parse reads the workbook, recognises the header, checks every cell against the layout and
// code lists and writes lake/staging + lake/rejects Parquet under HOME. Prints one JSON line.
// SHA-256 of each file is computed before the clock starts (the ingest activity does it before
// parsing, when it stores the raw copy); the timed part is parsing only.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { basename } from 'node:path';
import { setInterval, clearInterval } from 'node:timers';

const [mode, list, home] = process.argv.slice(2);
if (!['seq', 'pool'].includes(mode) || !list || !home) {
  console.error('usage: thongke.mjs seq|pool LIST HOME');
  process.exit(2);
}
const dist = new URL('../../dist/workflows/ingest/', import.meta.url);
const files = readFileSync(list, 'utf8').split('\n').filter(Boolean);
const inputs = files.map((path) => ({
  home, path, fileName: basename(path), rawPath: path,
  sha256: createHash('sha256').update(readFileSync(path)).digest('hex'),
}));

let results;
const t0 = performance.now();
if (mode === 'seq') {
  const { parseWorkbook } = await import(new URL('parse-workbook.js', dist).href);
  results = [];
  for (const input of inputs) results.push(await parseWorkbook(input));
} else {
  const { parseInThread } = await import(new URL('parse-in-thread.js', dist).href);
  // the pool's threads are unref'd (an idle pool must not keep a worker process alive); in the
  // ingest worker the Temporal worker keeps the loop alive, here a timer does
  const keepAlive = setInterval(() => {}, 1 << 30);
  results = await Promise.all(inputs.map((input) => parseInThread(input)));
  clearInterval(keepAlive);
}
const seconds = (performance.now() - t0) / 1000;

const sum = (k) => results.reduce((s, r) => s + r[k], 0);
console.log(JSON.stringify({
  tool: `thongke-${mode}`, files: results.length, seconds,
  rows: sum('rowsRead'), accepted: sum('rowsAccepted'), rejected: sum('rowsRejected'), ignored: sum('rowsIgnored'),
  parsed: results.filter((r) => r.status === 'parsed').length,
  forms: [...new Set(results.map((r) => r.form))].join(','),
}));
