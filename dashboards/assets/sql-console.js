/* global document, Worker, fetch */
// The analyst site's SQL console: DuckDB-WASM served from this site (duckdb/), over the published
// files of data/ (read into memory, so nothing but this site is ever asked for anything). Each
// published table is a view named after its file. DuckDB starts on the first query.
// DuckDB-WASM 1.32 has no Parquet reader built in: it fetches the parquet extension from
// extensions.duckdb.org on first use. Autoloading is switched off (nothing leaves this site); the
// Parquet file is tried and, where the extension is missing, the CSV of the same table is read
// with the warehouse's column types ("x" = suppressed → null).
import * as duckdb from './duckdb/duckdb-browser.mjs';

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
  await db.instantiate(new URL('duckdb-eh.wasm', base).href);
  const conn = await db.connect();
  await conn.query('set autoinstall_known_extensions = false');
  await conn.query('set autoload_known_extensions = false');
  const file = async (name) => db.registerFileBuffer(name, new Uint8Array(await (await fetch(new URL(`../data/${name}`, import.meta.url))).arrayBuffer()));
  const used = [];
  for (const t of tables) {
    await file(`${t.id}.parquet`);
    try {
      await conn.query(`create view "${t.id}" as select * from read_parquet('${t.id}.parquet')`);
      used.push(`${t.id}.parquet`);
    } catch {
      await file(`${t.id}.csv`);
      const columns = Object.entries(t.columns).map(([c, type]) => `'${c}': '${type}'`).join(', ');
      await conn.query(`create view "${t.id}" as select * from read_csv('${t.id}.csv', header = true, nullstr = 'x', columns = {${columns}})`);
      used.push(`${t.id}.csv`);
    }
  }
  source.textContent = `Dữ liệu: ${used.join(', ')}.`;
  return conn;
}

const fmt = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 6 });
function cell(v) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number' || typeof v === 'bigint') return fmt.format(v);
  return String(v);
}

function render(result) {
  const cols = result.schema.fields.map((f) => f.name);
  const rows = result.toArray().slice(0, 1000);
  const table = document.createElement('table');
  table.className = 'data';
  const head = table.createTHead().insertRow();
  for (const c of cols) { const th = document.createElement('th'); th.scope = 'col'; th.textContent = c; head.appendChild(th); }
  const body = table.createTBody();
  for (const r of rows) {
    const tr = body.insertRow();
    for (const c of cols) {
      const v = r[c];
      const td = tr.insertCell();
      td.textContent = cell(v);
      if (typeof v === 'number' || typeof v === 'bigint') td.className = 'n';
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
