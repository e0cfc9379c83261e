// `thongke publish` on a real warehouse holding two provinces (a Thái Nguyên commune in 2024-25 and
// 2025-26, across the reorganisation of 1/7/2025, and a Hà Nội commune in 2025-26, ingested through
// real Temporal workers, with a reporting period opened and acted on), then: every file of every site scanned for personal
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
const demoPeriod = () => fromDist<typeof import('../../cli/demo-period.js')>('cli/demo-period.js');
const periods = () => fromDist<typeof import('../../workflows/periods/client.js')>('workflows/periods/client.js');

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
    const thaiNguyenBefore = await generateDemoWorld(join(home, 'inbox', 'tn-2024'), { seed: 3, schoolYear: '2024-2025' });
    for (const w of [thaiNguyen, haNoi]) schools.push(...w.schools.map((s) => ({ code: s.schoolCode, name: s.schoolName, province: w.commune.provinceCode })));
    await (await dist.client()).runIngestBatch(client, { files: [...thaiNguyen.files, ...haNoi.files, ...thaiNguyenBefore.files] });
    // a reporting period for the Thái Nguyên commune: approved, submitted, returned, not sent; all late
    const period = await (await demoPeriod()).demoPeriod(client, thaiNguyen);
    const name = /Kỳ báo cáo (\S+):/.exec(period)![1]!;
    for (let i = 0; i < 100; i++) { // the audit rows are written by an activity after each act
      const o = await (await periods()).periodStatus(client, name);
      if (o.workflows.every((w) => w.auditPending === 0)) break;
      await new Promise((r) => setTimeout(r, 300));
    }
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
    // the analyst downloads, written by DuckDB
    for (const ext of ['parquet', 'csv']) expect(statSync(join(siteDir, 'analyst', 'data', `hoc_sinh_theo_truong_khoi.${ext}`)).size).toBeGreaterThan(100);
    for (const f of ['duckdb-browser.mjs', 'duckdb-browser-eh.worker.js', 'duckdb-eh.wasm', 'arrow.mjs']) expect(existsSync(join(siteDir, 'analyst', 'assets', 'duckdb', f)), f).toBe(true);
  });

  test('trends on both geographies: every school year on each, continuous across 1/7/2025, the same national total', async () => {
    const read = (f: string) => readFileSync(join(siteDir, 'bo', 'data', f), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    const byPeriod = (rows: string[][]) => {
      const m = new Map<string, number>();
      for (const [, period, n] of rows) m.set(period!, (m.get(period!) ?? 0) + Number(n));
      return m;
    };
    const now = read('xu_huong_tinh_moi.csv');
    const before = read('xu_huong_tinh_cu.csv');
    // the new geography carries 2024-25 forward, the old one 2025-26 back: both years on both
    for (const rows of [now, before]) {
      expect(rows.filter((r) => r[1] === '2024-2025').map((r) => r[0])).toEqual(['Tỉnh Thái Nguyên']);
      expect(rows.filter((r) => r[1] === '2025-2026').map((r) => r[0]).sort()).toEqual(['Thành phố Hà Nội', 'Tỉnh Thái Nguyên']);
    }
    const truth = await readOnly(join(home, 'warehouse.duckdb'), (wh) => wh.rowsJson('select period, sum(count_pupils)::integer as n from marts.mart_pupils_by_school_grade group by period order by period'));
    expect(truth.map((r) => r.period)).toEqual(['2024-2025', '2025-2026']);
    for (const rows of [now, before]) expect(Object.fromEntries(byPeriod(rows))).toEqual(Object.fromEntries(truth.map((r) => [r.period, r.n])));
    const page = readFileSync(join(siteDir, 'bo', 'xu-huong.html'), 'utf8');
    expect(page).toContain('data-switch="geography"');
    expect(page.match(/<figure data-chart=/g)?.length).toBe(3);
  });

  test('submission status: every unit of the Sở with its state, late and locked; the Bộ sees every Sở; no actor, no reason', () => {
    const so = readFileSync(join(siteDir, 'so-19', 'trang-thai.html'), 'utf8');
    const row = (code: string) => new RegExp(`<tr><td>[^<]*</td><td>${code}</td><td>[^<]*</td><td>([^<]*)</td><td>([^<]*)</td>`).exec(so)?.slice(1);
    const tn = schools.filter((x) => x.province === '19').map((x) => x.code).sort();
    expect(tn.map(row)).toEqual([['đã duyệt', 'muộn'], ['đã nộp', 'muộn'], ['bị trả lại', 'muộn'], ['chưa nộp', 'muộn']]);
    expect(so).toContain('id="outbox"');
    expect(so.match(/<td>quá hạn<\/td>/g)?.length).toBe(4);
    expect(so).not.toContain('thongke demo'); // the actor
    expect(so).not.toContain('lệch với biểu tổng hợp'); // the return's reason
    expect(readFileSync(join(siteDir, 'so-01', 'trang-thai.html'), 'utf8')).toContain('Chưa có kỳ báo cáo nào');
    const bo = readFileSync(join(siteDir, 'bo', 'trang-thai.html'), 'utf8');
    expect(bo).toMatch(/<tr><td>19<\/td><td>Tỉnh Thái Nguyên<\/td><td>chưa nộp<\/td><td class="n">4<\/td><td class="n">1<\/td><td class="n">1<\/td><td class="n">1<\/td><td class="n">1<\/td><td class="n">4<\/td><td class="n">0<\/td><\/tr>/);
  });

  test('the commune map puts the province\'s communes at their centroids, the ones with pupils sized', () => {
    const page = readFileSync(join(siteDir, 'so-19', 'ban-do.html'), 'utf8');
    expect(page).toContain('<figure data-chart="ban_do_xa">');
    expect(page.match(/<circle/g)!.length).toBeGreaterThan(80); // Thái Nguyên has 92 communes since 1/7/2025
    const csv = readFileSync(join(siteDir, 'so-19', 'data', 'ban_do_xa.csv'), 'utf8');
    expect(csv).toMatch(/^05443,Phường Phan Đình Phùng,\d+,có$/m);
    expect(csv).not.toContain('00004');
  });

  test('indicator and programme pages say what is missing rather than invent it', () => {
    const indicators = readFileSync(join(siteDir, 'bo', 'chi-so.html'), 'utf8');
    expect(indicators).toMatch(/Định nghĩa chỉ số|forms\/indicators\.json/);
    for (const f of ['bo/chuong-trinh.html', 'so-19/chuong-trinh.html']) {
      const page = readFileSync(join(siteDir, f), 'utf8');
      for (const t of ['mart_programme_devices', 'mart_computer_ratios', 'mart_vaccination_coverage']) expect(page, `${f} ${t}`).toContain(t);
    }
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
    const { scanSite, personalValues } = await privacy();
    const leaks = await readOnly(join(home, 'warehouse.duckdb'), async (wh) => scanSite(wh, siteDir, await personalValues(wh, home)));
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

  test('error workbooks: the Sở site links the masked ones; the scan reads workbooks and catches an unmasked one', async () => {
    const page = readFileSync(join(siteDir, 'so-19', 'chat-luong.html'), 'utf8');
    const links = [...page.matchAll(/href="(data\/tep-loi\/[^"]+\.xlsx)"/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(0);
    for (const l of links) expect(existsSync(join(siteDir, 'so-19', decodeURIComponent(l))), l).toBe(true);
    for (const l of links) expect(l).toMatch(/\/19\d+\.xlsx$/); // its own schools only
    const { scanSite, personalValues } = await privacy();
    const { writeErrorWorkbooks } = await fromDist<typeof import('../../warehouse/error-workbook.js')>('warehouse/error-workbook.js');
    const hand = tempHome('thongke-site-workbooks-');
    const leaks = await readOnly(join(home, 'warehouse.duckdb'), async (wh) => {
      await writeErrorWorkbooks(wh, home, { outDir: hand, school: schools.find((x) => x.province === '19')!.code });
      return scanSite(wh, hand, await personalValues(wh, home));
    });
    // names, birth dates and ids of the rejected rows, which only the lake's originals hold
    expect(leaks.length).toBeGreaterThan(0);
    expect(leaks.every((l) => l.file.endsWith('.xlsx'))).toBe(true);
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
    ['index.html', 0], ['bo/index.html', 3], ['bo/xu-huong.html', 3], ['bo/chi-so.html', 0], ['bo/chuong-trinh.html', 0], ['bo/trang-thai.html', 0],
    ['so-19/index.html', 3], ['so-19/ban-do.html', 1], ['so-19/truong.html', 0], ['so-19/chi-so.html', 0], ['so-19/chat-luong.html', 1], ['so-19/trang-thai.html', 0],
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

  test('the trend page switches between the two geographies', async () => {
    const { page, errors } = await open('bo/xu-huong.html');
    try {
      const visible = () => page.locator('[data-switch-group="geography"]:not([hidden]) figure[data-chart]').evaluateAll((fs) => fs.map((f) => f.getAttribute('data-chart')));
      expect(await visible()).toEqual(['xu_huong_tinh_moi']);
      await page.selectOption('#geography', 'old');
      expect(await visible()).toEqual(['xu_huong_tinh_cu']);
      expect(await page.locator('figure[data-chart="xu_huong_tinh_cu"] svg').first().isVisible()).toBe(true);
      expect(await page.locator('figure[data-chart="xu_huong_tinh_moi"]').isVisible()).toBe(false);
      await page.screenshot({ path: join(artifacts, 'bo_xu-huong_old.png'), fullPage: true });
      await page.selectOption('#geography', 'new');
      expect(await visible()).toEqual(['xu_huong_tinh_moi']);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  test('the status page filters units by state', async () => {
    const { page, errors } = await open('so-19/trang-thai.html');
    try {
      const rows = page.locator('#status-units tbody tr:not([hidden])');
      expect(await rows.count()).toBe(4);
      await page.selectOption('#status-filter', 'bị trả lại');
      expect(await rows.count()).toBe(1);
      expect(await page.textContent('[data-count="status-units"]')).toBe('1');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  test('the SQL console answers a query over the published Parquet, with DuckDB-WASM from the site, offline', async () => {
    const { page, errors, offsite } = await open('analyst/sql.html');
    try {
      // the answer, from the warehouse (counts 1–4 are null in the published file)
      const [truth] = await readOnly(join(home, 'warehouse.duckdb'), (wh) => wh.rowsJson(`select count(distinct school_code)::integer as schools,
        sum(case when count_pupils between 1 and 4 then null else count_pupils end)::integer as pupils from marts.mart_pupils_by_school_grade`));
      await page.fill('#sql-input', `select count(distinct school_code) as truong, sum(count_pupils) as hoc_sinh, any_value(typeof(count_pupils)) as kieu from hoc_sinh_theo_truong_khoi`);
      await page.click('#sql-console button[type=submit]');
      await page.waitForFunction(() => /dòng/.test(document.getElementById('sql-status')!.textContent ?? '') || document.getElementById('sql-status')!.className === 'error', null, { timeout: 60_000 });
      expect(await page.textContent('#sql-status')).toBe('1 dòng.');
      // read from the Parquet file itself (no CSV stands in), with the warehouse's column types
      expect(await page.textContent('#sql-source')).toBe('Dữ liệu: hoc_sinh_theo_truong_khoi.parquet.');
      const cells = await page.locator('#sql-result td').allTextContents();
      const vi = new Intl.NumberFormat('vi-VN');
      expect(cells).toEqual([vi.format(Number(truth!.schools)), vi.format(Number(truth!.pupils)), 'BIGINT']);
      await page.screenshot({ path: join(artifacts, 'analyst_sql_result.png'), fullPage: true });
      expect(errors).toEqual([]);
      expect(offsite).toEqual([]);
    } finally {
      await page.close();
    }
  }, 120_000);
});
