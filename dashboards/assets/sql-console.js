/* global document, Worker, fetch */
// The analyst site's SQL console: DuckDB-WASM served from this site (duckdb/), over the published
// Parquet files of data/ (fetched from this site only). Each published table is a table named
// after its file. DuckDB starts on the first query.
// DuckDB-WASM 1.32 has no Parquet reader built in (it would fetch the parquet extension from
// extensions.duckdb.org): extension autoloading is off, and each Parquet file is read by
// parquet-wasm (served from duckdb/ too) into Arrow IPC, which DuckDB takes in as a table.
import * as duckdb from './duckdb/duckdb-browser.mjs';
import initParquet, { readParquet } from './duckdb/parquet_wasm.js';

const form = document.getElementById('sql-console');
const input = document.getElementById('sql-input');
const status = document.getElementById('sql-status');
const output = document.getElementById('sql-result');
const tables = JSON.parse(document.getElementById('sql-tables').textContent);
const source = document.getElementById('sql-source');
let ready;

function say(text, error) {
  status.textContent = text;
  status.className = error ? 'error' : '';
}

async function start() {
  const base = new URL('./duckdb/', import.meta.url);
  const worker = new Worker(new URL('duckdb-browser-eh.worker.js', base));
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  await Promise.all([db.instantiate(new URL('duckdb-eh.wasm', base).href), initParquet({ module_or_path: new URL('parquet_wasm_bg.wasm', base) })]);
  const conn = await db.connect();
  await conn.query('set autoinstall_known_extensions = false');
  await conn.query('set autoload_known_extensions = false');
  const used = [];
  for (const t of tables) {
    const response = await fetch(new URL(`../data/${t.id}.parquet`, import.meta.url));
    if (!response.ok) throw new Error(`${t.id}.parquet: HTTP ${response.status}`);
    const ipc = readParquet(new Uint8Array(await response.arrayBuffer())).intoIPCStream();
    await conn.insertArrowFromIPCStream(ipc, { name: t.id, create: true });
    used.push(`${t.id}.parquet`);
  }
  source.textContent = `Dữ liệu: ${used.join(', ')}.`;
  return conn;
}

const fmt = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 6 });
// Arrow decimals (DuckDB's sum of integers is HUGEINT → DECIMAL(38,0)) come as digit objects
function cell(v, type) {
  if (v === null || v === undefined) return '';
  if (type && type.typeId === 7) return fmt.format(Number(String(v)) / 10 ** (type.scale || 0));
  if (typeof v === 'number' || typeof v === 'bigint') return fmt.format(v);
  return String(v);
}

function render(result) {
  const fields = result.schema.fields;
  const cols = fields.map((f) => f.name);
  const rows = result.toArray().slice(0, 1000);
  const table = document.createElement('table');
  table.className = 'data';
  const head = table.createTHead().insertRow();
  for (const c of cols) { const th = document.createElement('th'); th.scope = 'col'; th.textContent = c; head.appendChild(th); }
  const body = table.createTBody();
  for (const r of rows) {
    const tr = body.insertRow();
    for (const f of fields) {
      const v = r[f.name];
      const td = tr.insertCell();
      td.textContent = cell(v, f.type);
      if (typeof v === 'number' || typeof v === 'bigint' || f.type.typeId === 7) td.className = 'n';
    }
  }
  output.replaceChildren(table);
  say(`${fmt.format(result.numRows)} dòng${result.numRows > 1000 ? ' (hiện 1.000 dòng đầu)' : ''}.`);
}

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  try {
    if (!ready) { say('Đang khởi động DuckDB…'); ready = start(); }
    const conn = await ready;
    say('Đang chạy…');
    render(await conn.query(input.value));
  } catch (err) {
    ready = ready && ready.catch(() => undefined) ? ready : undefined;
    say(`Lỗi: ${err && err.message ? err.message : err}`, true);
  }
});
for (const b of document.querySelectorAll('[data-example]')) {
  b.addEventListener('click', () => { input.value = b.getAttribute('data-example'); form.requestSubmit(); });
}
form.dataset.ready = 'true';
