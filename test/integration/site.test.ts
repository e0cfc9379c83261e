// `thongke publish` on a real warehouse holding two provinces (a Thái Nguyên and a Hà Nội commune,
// ingested through real Temporal workers), then: every file of every site scanned for personal
// data, each Sở site holding only its own province, a name planted in a mart caught, `serve`
// serving the right types and nothing outside the site, and the pages in real Chromium.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { dist } from '../helpers/dist.js';
import { root, startServer, tempHome, thongke } from '../helpers/env.js';
import { launchChromium, type Browser } from '../dashboards/chromium.js';

// the compiled modules, typed by their sources (as test/helpers/dist.ts does)
const fromDist = <T>(path: string) => import(new URL(`../../dist/${path}`, import.meta.url).href) as Promise<T>;
const site = () => fromDist<typeof import('../../dashboards/site.js')>('dashboards/site.js');
const privacy = () => fromDist<typeof import('../../dashboards/privacy.js')>('dashboards/privacy.js');
const serve = () => fromDist<typeof import('../../cli/serve.js')>('cli/serve.js');

const home = tempHome('thongke-site-');
process.env.THONGKE_HOME = home; // the workers write this warehouse
const siteDir = join(home, 'site');
const env = { THONGKE_HOME: home };
const artifacts = join(root, 'test-artifacts', 'site');

interface School {
  code: string;
  name: string;
  province: string;
}
const schools: School[] = [];

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}
/** Every text file of a site folder (the DuckDB-WASM binaries aside), concatenated. */
function siteText(dir: string): string {
  return filesUnder(dir).filter((f) => !f.includes('/duckdb/') && !f.endsWith('.parquet')).map((f) => readFileSync(f, 'utf8')).join('\n');
}
async function readOnly<T>(path: string, fn: (wh: Awaited<ReturnType<Awaited<ReturnType<typeof dist.db>>['openWarehouse']>>) => Promise<T>): Promise<T> {
  const { withWarehouse } = await dist.db();
  return withWarehouse(path, fn, { readOnly: true });
}

beforeAll(async () => {
  const server = await startServer(home);
  const workers = await (await dist.worker()).startWorkers({ address: server.address });
  const client = await (await dist.client()).connectClient(server.address);
  try {
    const { generateDemoWorld } = await dist.world();
    const thaiNguyen = await generateDemoWorld(join(home, 'inbox', 'tn'), { seed: 1 });
    const haNoi = await generateDemoWorld(join(home, 'inbox', 'hn'), { seed: 2, communeCode: '00004' });
    for (const w of [thaiNguyen, haNoi]) schools.push(...w.schools.map((s) => ({ code: s.schoolCode, name: s.schoolName, province: w.commune.provinceCode })));
    await (await dist.client()).runIngestBatch(client, { files: [...thaiNguyen.files, ...haNoi.files] });
  } finally {
    workers.shutdown();
    await workers.done;
    await client.connection.close();
    await server.stop();
  }
  const r = await thongke(['publish'], env);
  expect(r.code, r.stderr).toBe(0);
}, 240_000);

describe('publish', () => {
  test('builds the Bộ site, one Sở site per province with data, the analyst site and an index linking them', () => {
    for (const d of ['bo', 'so-01', 'so-19', 'analyst']) expect(existsSync(join(siteDir, d, 'index.html')), d).toBe(true);
    const index = readFileSync(join(siteDir, 'index.html'), 'utf8');
    for (const d of ['bo', 'so-01', 'so-19', 'analyst']) expect(index).toContain(`href="${d}/index.html"`);
    expect(index).toContain('Thành phố Hà Nội');
    // every chart is an SVG drawn at build time, with its table and its CSV
    const bo = readFileSync(join(siteDir, 'bo', 'index.html'), 'utf8');
    expect(bo.match(/<figure data-chart=/g)?.length).toBe(3);
    expect(bo).toContain('<svg');
    for (const m of bo.matchAll(/href="(data\/[^"]+\.csv)"/g)) expect(existsSync(join(siteDir, 'bo', m[1]!)), m[1]).toBe(true);
    // marts not built yet are said to be missing, not invented
    expect(readFileSync(join(siteDir, 'bo', 'chi-so.html'), 'utf8')).toContain('Chưa có dữ liệu.');
    // the analyst downloads, written by DuckDB
    for (const ext of ['parquet', 'csv']) expect(statSync(join(siteDir, 'analyst', 'data', `hoc_sinh_theo_truong_khoi.${ext}`)).size).toBeGreaterThan(100);
    for (const f of ['duckdb-browser.mjs', 'duckdb-browser-eh.worker.js', 'duckdb-eh.wasm', 'arrow.mjs']) expect(existsSync(join(siteDir, 'analyst', 'assets', 'duckdb', f)), f).toBe(true);
  });

  test('the data dictionary describes every column of every published table', async () => {
    const dictionary = readFileSync(join(siteDir, 'analyst', 'index.html'), 'utf8');
    const parquets = filesUnder(join(siteDir, 'analyst', 'data')).filter((f) => f.endsWith('.parquet'));
    expect(parquets.length).toBeGreaterThan(0);
    await readOnly(join(home, 'warehouse.duckdb'), async (wh) => {
      for (const p of parquets) {
        const cols = await wh.rowsJson(`select name from parquet_schema('${p}') where name <> 'duckdb_schema'`);
        for (const { name } of cols) {
          const row = new RegExp(`<tr><td>${String(name)}</td><td>[^<]+</td><td>([^<]*)</td></tr>`).exec(dictionary);
          expect(row, `${p}: ${String(name)}`).not.toBeNull();
          expect(row![1]).not.toMatch(/chưa có mô tả/);
        }
      }
    });
  });

  test('counts from 1 to 4 are suppressed in every download', async () => {
    await readOnly(join(home, 'warehouse.duckdb'), async (wh) => {
      const [small] = await wh.rowsJson(`select count(*)::integer as n from read_parquet('${join(siteDir, 'analyst', 'data', 'hoc_sinh_theo_truong_khoi.parquet')}')
        where count_pupils between 1 and 4 or count_pupils_disability between 1 and 4 or count_dropouts between 1 and 4`);
      expect(small!.n).toBe(0);
      const [inMart] = await wh.rowsJson('select count(*)::integer as n from marts.mart_pupils_by_school_grade where count_dropouts between 1 and 4');
      expect(inMart!.n).toBeGreaterThan(0); // so there was something to suppress
    });
    const csv = readFileSync(join(siteDir, 'analyst', 'data', 'hoc_sinh_theo_truong_khoi.csv'), 'utf8');
    expect(csv).toMatch(/,x[,\n]/);
    for (const line of csv.split('\n').slice(1)) for (const cell of line.split(',').slice(6)) expect(cell).not.toMatch(/^[1-4]$/);
  });
});

describe('safety', () => {
  test('no personal value (layout personal: true columns of raw) in any file of any site', async () => {
    const { scanSite } = await privacy();
    const leaks = await readOnly(join(home, 'warehouse.duckdb'), (wh) => scanSite(wh, siteDir));
    expect(leaks).toEqual([]);
    // and a plain substring check of the text files, independent of the scanner
    const raw = await readOnly(join(home, 'warehouse.duckdb'), (wh) => wh.rowsJson('select full_name, birth_date, personal_id, pupil_code from raw.hs_danh_sach'));
    expect(raw.length).toBeGreaterThan(4000);
    const text = siteText(siteDir);
    expect(raw.filter((p) => [p.full_name, p.personal_id, p.pupil_code].some((v) => typeof v === 'string' && text.includes(v)))).toEqual([]);
  });

  test('each Sở site holds its own province only', () => {
    for (const province of ['01', '19']) {
      const text = siteText(join(siteDir, `so-${province}`));
      const own = schools.filter((s) => s.province === province);
      const others = schools.filter((s) => s.province !== province);
      expect(own.length).toBeGreaterThan(0);
      for (const s of own) expect(text, `${province}: ${s.code}`).toContain(s.code);
      for (const s of others) {
        expect(text, `${province}: ${s.code}`).not.toContain(s.code);
        expect(text, `${province}: ${s.name}`).not.toContain(s.name);
      }
    }
    // the Bộ sees both
    const bo = siteText(join(siteDir, 'bo'));
    expect(bo).toContain('Thành phố Hà Nội');
    expect(bo).toContain('Tỉnh Thái Nguyên');
  });

  test('a name planted in a mart is caught: the scan finds it and publish refuses', async () => {
    const planted = tempHome('thongke-site-planted-');
    copyFileSync(join(home, 'warehouse.duckdb'), join(planted, 'warehouse.duckdb'));
    const { withWarehouse } = await dist.db();
    const name = await withWarehouse(join(planted, 'warehouse.duckdb'), async (wh) => {
      const [p] = await wh.rowsJson(`select full_name from raw.hs_danh_sach where school_code like '19%' order by file_sha256, row_number limit 1`);
      await wh.run(`update marts.mart_pupils_by_school_grade set school_name = $1 where school_code = (select min(school_code) from marts.mart_pupils_by_school_grade where school_code like '19%')`, [String(p!.full_name)]);
      return String(p!.full_name);
    });
    const r = await thongke(['publish', '--audience', 'so:19'], { THONGKE_HOME: planted });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('dữ liệu cá nhân');
    expect(existsSync(join(planted, 'site', 'so-19'))).toBe(false);
    // the error names where; the scan found the planted name there
    const { publishSites, PersonalDataError } = await site();
    const error = await withWarehouse(join(planted, 'warehouse.duckdb'), (wh) => publishSites(wh, join(planted, 'site'), { audiences: [{ kind: 'so', province: '19' }] }).then(() => null, (e: unknown) => e), { readOnly: true });
    expect(error).toBeInstanceOf(PersonalDataError);
    expect((error as InstanceType<typeof PersonalDataError>).leaks.map((l) => l.value)).toContain(name);
    // and the scanner alone, on one planted file
    const { scanSite } = await privacy();
    mkdirSync(join(planted, 'hand'), { recursive: true });
    writeFileSync(join(planted, 'hand', 'index.html'), `<td>${name}</td>`);
    const found = await withWarehouse(join(planted, 'warehouse.duckdb'), (wh) => scanSite(wh, join(planted, 'hand')), { readOnly: true });
    expect(found).toEqual([{ file: 'index.html', value: name }]);
  });
});

describe('serve', () => {
  test('serves the sites with the right types and nothing outside them', async () => {
    const { serveSite } = await serve();
    const server = serveSite(siteDir);
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
    const { port } = server.address() as AddressInfo;
    const get = (path: string) => new Promise<{ status: number; type: string | undefined }>((res, rej) => {
      const req = request({ host: '127.0.0.1', port, path, method: 'HEAD' }, (r) => { r.resume(); res({ status: r.statusCode ?? 0, type: r.headers['content-type'] }); });
      req.on('error', rej);
      req.end();
    });
    try {
      expect(await get('/')).toEqual({ status: 200, type: 'text/html; charset=utf-8' });
      expect(await get('/analyst/assets/duckdb/duckdb-eh.wasm')).toEqual({ status: 200, type: 'application/wasm' });
      expect(await get('/analyst/data/hoc_sinh_theo_truong_khoi.parquet')).toEqual({ status: 200, type: 'application/vnd.apache.parquet' });
      expect((await get('/bo/data/hs_theo_tinh.csv')).type).toBe('text/csv; charset=utf-8');
      expect((await get('/analyst/assets/duckdb/duckdb-browser.mjs')).type).toBe('text/javascript; charset=utf-8');
      for (const p of ['/../warehouse.duckdb', '/%2e%2e/warehouse.duckdb', '/bo/..%2f..%2fwarehouse.duckdb', '/..%5cwarehouse.duckdb']) {
        expect((await get(p)).status, p).not.toBe(200);
      }
      expect((await get('/nope.html')).status).toBe(404);
    } finally {
      await new Promise<void>((res) => server.close(() => res()));
    }
  });
});

describe('in Chromium', () => {
  let browser: Browser;
  let server: import('node:http').Server;
  let base: string;

  beforeAll(async () => {
    const { serveSite } = await serve();
    server = serveSite(siteDir);
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
    mkdirSync(artifacts, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((res) => server?.close(() => res()));
  });

  /** Open a page; every console error, page error and request off this server is recorded. */
  async function open(path: string) {
    const page = await browser.newPage();
    const errors: string[] = [];
    const offsite: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(base) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
      offsite.push(url);
      return route.abort();
    });
    await page.goto(`${base}/${path}`, { waitUntil: 'load' });
    return { page, errors, offsite };
  }

  const pages = [
    ['index.html', 0], ['bo/index.html', 3], ['bo/xu-huong.html', 1], ['bo/chi-so.html', 0], ['bo/trang-thai.html', 0],
    ['so-19/index.html', 3], ['so-19/truong.html', 0], ['so-19/chat-luong.html', 1], ['so-19/trang-thai.html', 0],
    ['so-01/index.html', 3], ['analyst/index.html', 0], ['analyst/sql.html', 0],
  ] as const;

  test.each(pages)('%s loads with no console errors, its %i charts drawn', async (path, charts) => {
    const { page, errors, offsite } = await open(path);
    try {
      expect(await page.locator('figure[data-chart] svg').count() >= charts).toBe(true);
      expect(await page.locator('figure[data-chart]').count()).toBe(charts);
      if (charts) expect(await page.locator('figure[data-chart] svg').first().isVisible()).toBe(true);
      await page.screenshot({ path: join(artifacts, `${path.replace(/\//g, '_').replace('.html', '')}.png`), fullPage: true });
      expect(errors).toEqual([]);
      expect(offsite).toEqual([]);
    } finally {
      await page.close();
    }
  });

  test('the school table filters by text and by commune, and sorts', async () => {
    const { page, errors } = await open('so-19/truong.html');
    try {
      const rows = page.locator('#schools tbody tr:not([hidden])');
      expect(await rows.count()).toBe(4);
      await page.fill('#school-search', 'thcs');
      expect(await rows.count()).toBe(2); // Trường THCS … and Trường TH&THCS …
      await page.fill('#school-search', 'khong co truong nay');
      expect(await rows.count()).toBe(0);
      expect(await page.textContent('[data-count="schools"]')).toBe('0');
      await page.fill('#school-search', '');
      await page.selectOption('#school-commune', { index: 1 });
      expect(await rows.count()).toBe(4);
      // sort by pupils, descending on the second click
      const pupils = page.locator('#schools thead th', { hasText: /^Học sinh$/ });
      await pupils.click();
      await pupils.click();
      const values = await page.locator('#schools tbody tr td.n[data-value]').evaluateAll((tds) => (tds as HTMLTableCellElement[]).filter((td) => td.cellIndex === (td.closest('table')!.querySelector('thead th[aria-sort]') as HTMLTableCellElement).cellIndex).map((td) => Number(td.getAttribute('data-value'))));
      expect(values).toEqual([...values].sort((a, b) => b - a));
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  test('the SQL console answers a query with DuckDB-WASM from the site, offline', async () => {
    const { page, errors, offsite } = await open('analyst/sql.html');
    try {
      await page.fill('#sql-input', `select count(distinct school_code) as truong, sum(count_pupils) as hoc_sinh from hoc_sinh_theo_truong_khoi`);
      await page.click('#sql-console button[type=submit]');
      await page.waitForFunction(() => /dòng/.test(document.getElementById('sql-status')!.textContent ?? '') || document.getElementById('sql-status')!.className === 'error', null, { timeout: 60_000 });
      expect(await page.textContent('#sql-status')).toBe('1 dòng.');
      expect(await page.textContent('#sql-source')).toMatch(/^Dữ liệu: hoc_sinh_theo_truong_khoi\.(parquet|csv)\.$/);
      const cells = await page.locator('#sql-result td').allTextContents();
      expect(cells[0]).toBe('8');
      await page.screenshot({ path: join(artifacts, 'analyst_sql_result.png'), fullPage: true });
      expect(errors).toEqual([]);
      expect(offsite).toEqual([]);
    } finally {
      await page.close();
    }
  }, 120_000);
});
