// `thongke publish`: one static site per audience under <root>/<audience>/ (bo, so-<province>,
// analyst) and <root>/index.html linking them. Each site is built in a fresh folder beside its
// place, scanned for personal data, and only then moved into place: a site that fails the scan is
// never served.
import { cp, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Warehouse } from '../warehouse/db.js';
import { dictionary, sqlConsole, writeDownloads } from './analyst.js';
import { assetsDir, readCatalog, writeSiteFile, type Catalog, type SiteContext } from './context.js';
import { currentProvincesSql, locatedCtes } from './dimensions.js';
import { DUCKDB_IMPORT_MAP, vendorDuckdbWasm } from './duckdb-wasm.js';
import { escapeHtml, formatDateTime } from './format.js';
import { page, type Shell } from './page.js';
import { personalValues, scanSite, type Leak } from './privacy.js';
import { qualitySections } from './quality.js';
import { loadRegistry, type AudienceKind, type PageSpec, type Registry } from './registry.js';
import { schoolTable } from './schools.js';
import { chartSection, datasetStatus, kpiSection } from './sections.js';
import { siteTotals, type SiteTotals } from './totals.js';
import { statusSections } from './status.js';
import { trendSections } from './trends.js';
import { communeMapSection } from './commune-map.js';
import { indicatorSections } from './indicators.js';

export type Audience = { kind: 'bo' } | { kind: 'analyst' } | { kind: 'so'; province: string };

/** `bo`, `analyst`, `so:<province code>` → an audience (null when malformed). */
export function parseAudience(s: string): Audience | null {
  if (s === 'bo' || s === 'analyst') return { kind: s };
  const m = /^so:(\d{2})$/.exec(s);
  return m ? { kind: 'so', province: m[1]! } : null;
}

export function audienceDir(a: Audience): string {
  return a.kind === 'so' ? `so-${a.province}` : a.kind;
}

export interface PublishOptions {
  /** default: the Bộ, the analysts, and a Sở for every province with data */
  audiences?: Audience[];
  now?: Date;
  registry?: Registry;
  /** THONGKE_HOME, for the lake (error workbooks); default: the folder holding root */
  home?: string;
}

export interface BuiltAudience {
  audience: Audience;
  dir: string;
  title: string;
  pages: string[];
}

export interface PublishResult {
  root: string;
  index: string;
  sites: BuiltAudience[];
  totals: SiteTotals;
}

export class PersonalDataError extends Error {
  constructor(readonly leaks: Leak[]) {
    super(`dữ liệu cá nhân trong trang sắp công bố (${leaks.length} chỗ, ví dụ ${leaks.slice(0, 3).map((l) => l.file).join(', ')}): không công bố`);
  }
}

/** Provinces (code, name) that have data in some school-keyed dataset. */
async function provincesWithData(wh: Warehouse, registry: Registry, catalog: Catalog): Promise<{ code: string; name: string }[]> {
  const keyed = registry.datasets.filter((d) => d.schoolColumn && catalog.columns.get(d.table)?.some((c) => c.name === d.schoolColumn));
  if (!keyed.length) return [];
  const keys = keyed.map((d) => `select period, "${d.schoolColumn}" as school_code from ${d.table}`).join(' union ');
  return wh.rowsJson(`with ${locatedCtes(catalog, `(${keys})`)}
select province_code as code, any_value(province_name) as name from located group by 1 order by 1`) as Promise<{ code: string; name: string }[]>;
}

async function provinceName(wh: Warehouse, catalog: Catalog, code: string): Promise<string> {
  const sql = currentProvincesSql(catalog);
  if (!sql) return `tỉnh ${code}`;
  const rows = await wh.rowsJson(`select name from (${sql}) where code = $1`, [code]);
  return String(rows[0]?.name ?? `tỉnh ${code}`);
}

async function pageBody(ctx: SiteContext, spec: PageSpec): Promise<string> {
  const parts: string[] = [];
  if (spec.kpis) parts.push(await kpiSection(ctx, spec.kpis));
  for (const id of spec.charts) parts.push(await chartSection(ctx, ctx.registry.charts.find((c) => c.id === id)!));
  for (const id of spec.datasets) parts.push(await datasetStatus(ctx, ctx.registry.datasets.find((d) => d.id === id)!));
  if (spec.schools) parts.push(await schoolTable(ctx, spec.schools));
  if (spec.communeMap) parts.push(await communeMapSection(ctx));
  if (spec.trends) parts.push(await trendSections(ctx));
  if (spec.indicators) parts.push(await indicatorSections(ctx));
  if (spec.status) parts.push(await statusSections(ctx));
  if (spec.quality) parts.push(await qualitySections(ctx));
  if (spec.dictionary) parts.push(dictionary(ctx));
  if (spec.console) parts.push(sqlConsole(ctx));
  return parts.join('\n');
}

async function buildAudience(wh: Warehouse, registry: Registry, catalog: Catalog, audience: Audience, root: string, now: Date, home: string): Promise<BuiltAudience> {
  const name = audienceDir(audience);
  const dir = join(root, `.${name}.building`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const ctx: SiteContext = { wh, registry, catalog, provinceCode: audience.kind === 'so' ? audience.province : null, now, dir, home };
  const title = audience.kind === 'bo' ? 'Bộ GDĐT — toàn quốc'
    : audience.kind === 'analyst' ? 'Dữ liệu cho người phân tích'
      : `Sở GDĐT ${await provinceName(wh, catalog, audience.province)}`;
  const kind: AudienceKind = audience.kind;
  const specs = registry.pages[kind];
  await cp(join(assetsDir, 'style.css'), join(dir, 'assets', 'style.css'));
  await cp(join(assetsDir, 'app.js'), join(dir, 'assets', 'app.js'));
  if (kind === 'analyst') {
    await writeDownloads(ctx);
    await vendorDuckdbWasm(join(dir, 'assets'));
    await cp(join(assetsDir, 'sql-console.js'), join(dir, 'assets', 'sql-console.js'));
  }
  for (const spec of specs) {
    const shell: Shell = { site: title, pages: specs, builtAt: now, ...(spec.console ? { head: DUCKDB_IMPORT_MAP.replace('./duckdb/', './assets/duckdb/'), scripts: ['assets/sql-console.js'] } : {}) };
    await writeSiteFile(ctx, spec.path, page(shell, spec, await pageBody(ctx, spec)));
  }
  return { audience, dir, title, pages: specs.map((s) => s.path) };
}

function indexHtml(sites: { dir: string; title: string }[], now: Date): string {
  const items = sites.map((s) => `<li><a href="${escapeHtml(s.dir)}/index.html">${escapeHtml(s.title)}</a></li>`).join('\n');
  return `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>thongke — thống kê giáo dục</title><link rel="icon" href="data:,">
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}a{color:#1f4e79}li{margin:.5rem 0}</style></head>
<body><h1>thongke — thống kê giáo dục</h1>
<p>Các trang số liệu tổng hợp (không có dữ liệu cá nhân):</p>
<ul class="audiences">
${items}
</ul>
<p><small>Cập nhật ${formatDateTime(now)}.</small></p>
</body></html>
`;
}

/** Sites already in root (from this or an earlier publish), for the index. */
async function sitesInRoot(root: string): Promise<{ dir: string; title: string }[]> {
  const out: { dir: string; title: string }[] = [];
  for (const e of (await readdir(root, { withFileTypes: true })).filter((x) => x.isDirectory() && !x.name.startsWith('.')).sort((a, b) => a.name.localeCompare(b.name))) {
    const index = join(root, e.name, 'index.html');
    if (!existsSync(index)) continue;
    const m = /<p class="site">.*?· ([^<]+)<\/p>/.exec(await readFile(index, 'utf8'));
    out.push({ dir: e.name, title: m?.[1] ?? e.name });
  }
  const rank = (d: string) => (d === 'bo' ? 0 : d.startsWith('so-') ? 1 : 2);
  return out.sort((a, b) => rank(a.dir) - rank(b.dir) || a.dir.localeCompare(b.dir));
}

export async function publishSites(wh: Warehouse, root: string, opts: PublishOptions = {}): Promise<PublishResult> {
  const registry = opts.registry ?? loadRegistry();
  const catalog = await readCatalog(wh);
  const now = opts.now ?? new Date();
  const audiences = opts.audiences ?? [
    { kind: 'bo' } as const,
    ...(await provincesWithData(wh, registry, catalog)).map((p) => ({ kind: 'so', province: p.code }) as const),
    { kind: 'analyst' } as const,
  ];
  await mkdir(root, { recursive: true });
  const home = opts.home ?? dirname(root);
  const values = await personalValues(wh, home);
  const sites: BuiltAudience[] = [];
  for (const audience of audiences) {
    const built = await buildAudience(wh, registry, catalog, audience, root, now, home);
    const leaks = await scanSite(wh, built.dir, values);
    if (leaks.length) {
      await rm(built.dir, { recursive: true, force: true });
      throw new PersonalDataError(leaks.map((l) => ({ ...l, file: `${audienceDir(audience)}/${l.file}` })));
    }
    const dir = join(root, audienceDir(audience));
    await rm(dir, { recursive: true, force: true });
    await rename(built.dir, dir);
    sites.push({ ...built, dir });
  }
  if (!opts.audiences) {
    // a full publish: what is not one of these sites (an older build's leftovers) goes
    const keep = new Set([...audiences.map(audienceDir), 'index.html']);
    for (const e of await readdir(root)) if (!keep.has(e)) await rm(join(root, e), { recursive: true, force: true });
  }
  const index = join(root, 'index.html');
  await writeFile(index, indexHtml(await sitesInRoot(root), now));
  return { root, index, sites, totals: await siteTotals(wh) };
}
