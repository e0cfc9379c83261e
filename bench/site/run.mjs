#!/usr/bin/env node
/* global window, document, performance, MutationObserver */
// Dashboards bench: page weight (everything the page loads, data files and the SQL console's
// DuckDB-WASM and parquet-wasm aside) and time to first chart in real Chromium, for the main page of each site.
//   node bench/site/run.mjs [THONGKE_HOME]
// Without a THONGKE_HOME holding a built site, runs `thongke demo` into a temporary one first.
// Each page is loaded RUNS times in a fresh profile with the cache off; the median is reported.
// "First chart" = the later of the first chart's SVG being in the DOM and the first contentful paint.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const RUNS = 5;
const PAGES = ['bo/index.html', 'bo/xu-huong.html', 'bo/chi-so.html', 'bo/trang-thai.html', 'so-19/index.html', 'so-19/ban-do.html', 'so-19/truong.html',
  'so-19/chat-luong.html', 'so-19/trang-thai.html', 'analyst/index.html', 'analyst/sql.html'];

let home = process.argv[2];
if (!home || !existsSync(join(home, 'site', 'index.html'))) {
  home = mkdtempSync(join(tmpdir(), 'thongke-bench-site-'));
  process.stderr.write(`thongke demo → ${home}\n`);
  const r = spawnSync(process.execPath, [join(root, 'bin', 'thongke.mjs'), 'demo'], { env: { ...process.env, THONGKE_HOME: home, THONGKE_TEMPORAL_PORT: '7399' }, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) process.exit(1);
}
const { serveSite } = await import(join(root, 'dist', 'cli', 'serve.js'));
const server = serveSite(join(home, 'site'));
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const isData = (url) => /\/data\/|\/duckdb\//.test(new URL(url).pathname);

const rows = [];
for (const path of PAGES) {
  const weights = [];
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'thongke-bench-chromium-')), {
      executablePath: '/usr/bin/chromium', viewport: { width: 1100, height: 900 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    const urls = new Map();
    let bytes = 0;
    cdp.on('Network.responseReceived', (e) => urls.set(e.requestId, e.response.url));
    cdp.on('Network.loadingFinished', (e) => { const u = urls.get(e.requestId); if (u && !isData(u)) bytes += e.encodedDataLength; });
    await page.addInitScript(() => {
      const seen = () => { if (!window.__firstChart && document.querySelector('figure[data-chart] svg, #sql-console')) window.__firstChart = performance.now(); };
      new MutationObserver(seen).observe(document, { childList: true, subtree: true });
    });
    await page.goto(`${base}/${path}`, { waitUntil: 'load' });
    await page.waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length > 0);
    const t = await page.evaluate(() => Math.max(window.__firstChart ?? 0, performance.getEntriesByName('first-contentful-paint')[0].startTime));
    weights.push(bytes);
    times.push(t);
    await context.close();
  }
  rows.push({ page: path, kb: median(weights) / 1024, ms: median(times) });
}
server.close();
const date = new Date().toISOString().slice(0, 10);
console.log(`Dashboards bench, ${date}, ${cpus().length} cores, Chromium ${spawnSync('/usr/bin/chromium', ['--version'], { encoding: 'utf8' }).stdout.match(/[\d.]+/)?.[0]}, median of ${RUNS} cold loads\n`);
console.log('| page | weight, data excluded (KB) | first chart (ms) |\n|---|---:|---:|');
for (const r of rows) console.log(`| ${r.page} | ${r.kb.toFixed(1)} | ${r.ms.toFixed(0)} |`);
