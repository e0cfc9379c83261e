// `thongke demo` from nothing: its own dev server and workers, a synthetic commune ingested,
// transformed and published; a second run gives the same totals and adds no rows.
import { expect, test } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { dist } from '../helpers/dist.js';
import { tempHome, thongke } from '../helpers/env.js';

function siteFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

test('demo twice: same totals, no duplicates, a site with no personal data', async () => {
  const home = tempHome();
  const { freePort } = await dist.devServer();
  // no TEMPORAL_ADDRESS: the demo starts its own server, on a port nobody else uses
  const env = { THONGKE_HOME: home, THONGKE_TEMPORAL_PORT: String(await freePort()) };
  const saved = process.env.TEMPORAL_ADDRESS;
  delete process.env.TEMPORAL_ADDRESS;
  try {
    const first = await thongke(['demo'], env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(`Trang: ${join(home, 'site', 'index.html')}`);
    const totals = first.stdout.split('\n').find((l) => l.startsWith('Tổng:'));
    expect(totals).toMatch(/^Tổng: 4 trường, [\d.]+ học sinh đang học/);
    expect(existsSync(join(home, 'warehouse.duckdb'))).toBe(true);
    expect(existsSync(join(home, 'site', 'index.html'))).toBe(true);

    const second = await thongke(['demo'], env);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout.split('\n').find((l) => l.startsWith('Tổng:'))).toBe(totals);
    expect(second.stdout).toContain('không đổi (đã có)');

    const { withWarehouse } = await dist.db();
    const names = await withWarehouse(join(home, 'warehouse.duckdb'), async (wh) => {
      const [files] = await wh.rowsJson('select count(*)::integer as n, count(distinct file_sha256)::integer as d from ops.files');
      expect(files).toEqual({ n: 4, d: 4 });
      return wh.rowsJson('select full_name, birth_date, personal_id from raw.hs_danh_sach') as Promise<{ full_name: string; birth_date: string; personal_id: string }[]>;
    }, { readOnly: true });

    // the published sites: a chart rendered to SVG, its table, and not one name, birth date or id
    for (const audience of ['bo', 'so-19', 'analyst']) expect(existsSync(join(home, 'site', audience, 'index.html')), audience).toBe(true);
    const html = readFileSync(join(home, 'site', 'bo', 'index.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('<table');
    // every file the site builds (the libraries it serves, DuckDB-WASM and parquet-wasm, are
    // vendored code: 35 MB that no value of ours is in, and that made this scan take minutes;
    // site.test.ts scans Parquet and workbooks through their readers)
    const built = siteFiles(join(home, 'site')).filter((f) => !/\/assets\/duckdb\//.test(f));
    expect(built.length).toBeGreaterThan(20);
    const published = built.map((f) => readFileSync(f, 'utf8')).join('\n');
    const values = new Set(names.flatMap((n) => [n.full_name, n.personal_id, n.birth_date]).filter(Boolean));
    const leaks = [...values].filter((v) => published.includes(v));
    expect(leaks).toEqual([]);
    expect(values.size).toBeGreaterThan(1000);
  } finally {
    if (saved !== undefined) process.env.TEMPORAL_ADDRESS = saved;
  }
}, 420_000); // two full demos; generous for a loaded 2-core machine
