// The page/chart registry (dashboards/registry.json): which tables are published, their column
// descriptions (the data dictionary's one home), the charts, and the pages of each audience.
// Parsed once here from `unknown` into typed objects; everything else trusts the result.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const AUDIENCES = ['bo', 'so', 'analyst'] as const;
export type AudienceKind = (typeof AUDIENCES)[number];

export interface Example {
  title: string;
  sql: string;
}

export interface Dataset {
  id: string;
  /** schema.table in the warehouse */
  table: string;
  title: string;
  description: string;
  grain: string | null;
  /** the column holding the school code: gives the dataset its geography (and a Sở its scope) */
  schoolColumn: string | null;
  /** column → description; empty for a table that does not exist yet */
  columns: Record<string, string>;
  /** short column labels for tables and charts (else the column name) */
  labels: Record<string, string>;
  examples: Example[];
}

export const CHART_KINDS = ['bar', 'rankedBar', 'line', 'map', 'smallMultiples'] as const;
export type ChartKind = (typeof CHART_KINDS)[number];

export interface Measure {
  label: string;
  sum: string;
  minus: string | null;
}

export interface ChartSpec {
  id: string;
  dataset: string;
  kind: ChartKind;
  title: string;
  caption: string;
  /** the category: a column of the dataset or a derived dimension (dimensions.ts) */
  by: string;
  /** a column giving the order of `by` (else by value, or by name) */
  order: string | null;
  facet: string | null;
  limit: number | null;
  measures: Measure[];
}

export interface Kpi {
  label: string;
  /** sum of a count column, or the number of distinct values of a column */
  sum: string | null;
  distinct: string | null;
  /** shown as a share of this column's sum */
  shareOf: string | null;
}

export interface PageSpec {
  path: string;
  title: string;
  charts: string[];
  /** datasets whose status this page shows (a stub saying "chưa có dữ liệu" when absent) */
  datasets: string[];
  kpis: { dataset: string; items: Kpi[] } | null;
  /** a dataset keyed by school: the searchable school table */
  schools: string | null;
  quality: boolean;
  dictionary: boolean;
  console: boolean;
  /** the submission status of the current reporting period (and, for a Sở, its outbox) */
  status: boolean;
  /** pupils across school years on the pre- and post-2025 geographies, with a switch */
  trends: boolean;
  /** the province's communes as points at their centroids, sized by pupils */
  communeMap: boolean;
  /** indicators with their definitions (forms/indicators.json) and values (marts.mart_indicators) */
  indicators: boolean;
}

export interface Registry {
  datasets: Dataset[];
  charts: ChartSpec[];
  pages: Record<AudienceKind, PageSpec[]>;
}

type Obj = Record<string, unknown>;

function fail(where: string, what: string): never {
  throw new Error(`dashboards/registry.json: ${where}: ${what}`);
}
function obj(v: unknown, where: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(where, 'expected an object');
  return v as Obj;
}
function str(v: unknown, where: string): string {
  if (typeof v !== 'string' || !v.trim()) fail(where, 'expected a non-empty string');
  return v;
}
function optStr(v: unknown, where: string): string | null {
  return v === undefined ? null : str(v, where);
}
function arr(v: unknown, where: string): unknown[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) fail(where, 'expected an array');
  return v;
}
const flag = (v: unknown) => v === true;
const ID = /^[a-z][a-z0-9_]*$/;

function parseDataset(v: unknown, i: number): Dataset {
  const where = `datasets[${i}]`;
  const o = obj(v, where);
  const id = str(o.id, `${where}.id`);
  if (!ID.test(id)) fail(`${where}.id`, `"${id}" must be lowercase letters, digits and _ (it names files and SQL views)`);
  const table = str(o.table, `${where}.table`);
  if (!/^[a-z_]+\.[a-z0-9_]+$/.test(table)) fail(`${where}.table`, `"${table}" must be schema.table`);
  const columns = Object.fromEntries(Object.entries(o.columns === undefined ? {} : obj(o.columns, `${where}.columns`))
    .map(([k, d]) => [k, str(d, `${where}.columns.${k}`)]));
  return {
    id, table,
    title: str(o.title, `${where}.title`),
    description: str(o.description, `${where}.description`),
    grain: optStr(o.grain, `${where}.grain`),
    schoolColumn: optStr(o.school_column, `${where}.school_column`),
    columns,
    labels: Object.fromEntries(Object.entries(o.labels === undefined ? {} : obj(o.labels, `${where}.labels`)).map(([k, d]) => [k, str(d, `${where}.labels.${k}`)])),
    examples: arr(o.examples, `${where}.examples`).map((e, j) => {
      const x = obj(e, `${where}.examples[${j}]`);
      return { title: str(x.title, `${where}.examples[${j}].title`), sql: str(x.sql, `${where}.examples[${j}].sql`) };
    }),
  };
}

function parseChart(v: unknown, i: number, datasets: Set<string>): ChartSpec {
  const where = `charts[${i}]`;
  const o = obj(v, where);
  const kind = str(o.kind, `${where}.kind`) as ChartKind;
  if (!CHART_KINDS.includes(kind)) fail(`${where}.kind`, `"${kind}" is not one of ${CHART_KINDS.join(', ')}`);
  const dataset = str(o.dataset, `${where}.dataset`);
  if (!datasets.has(dataset)) fail(`${where}.dataset`, `no dataset "${dataset}"`);
  const measures = arr(o.measures, `${where}.measures`).map((m, j) => {
    const x = obj(m, `${where}.measures[${j}]`);
    return { label: str(x.label, `${where}.measures[${j}].label`), sum: str(x.sum, `${where}.measures[${j}].sum`), minus: optStr(x.minus, `${where}.measures[${j}].minus`) };
  });
  if (!measures.length) fail(`${where}.measures`, 'at least one measure');
  const facet = optStr(o.facet, `${where}.facet`);
  if ((kind === 'smallMultiples') !== (facet !== null)) fail(`${where}.facet`, 'a facet is needed by smallMultiples, and only there');
  const limit = o.limit === undefined ? null : Number(o.limit);
  if (limit !== null && !(Number.isInteger(limit) && limit > 0)) fail(`${where}.limit`, 'a positive integer');
  return {
    id: str(o.id, `${where}.id`), dataset, kind,
    title: str(o.title, `${where}.title`),
    caption: str(o.caption, `${where}.caption`),
    by: str(o.by, `${where}.by`),
    order: optStr(o.order, `${where}.order`),
    facet, limit, measures,
  };
}

function parsePage(v: unknown, where: string, charts: Set<string>, datasets: Set<string>): PageSpec {
  const o = obj(v, where);
  const path = str(o.path, `${where}.path`);
  if (!/^[a-z0-9-]+\.html$/.test(path)) fail(`${where}.path`, `"${path}" must be a plain .html file name`);
  const ids = (key: string, known: Set<string>) => arr(o[key], `${where}.${key}`).map((x, j) => {
    const id = str(x, `${where}.${key}[${j}]`);
    if (!known.has(id)) fail(`${where}.${key}[${j}]`, `no ${key.slice(0, -1)} "${id}"`);
    return id;
  });
  const dataset = (v: unknown, w: string) => {
    const id = str(v, w);
    if (!datasets.has(id)) fail(w, `no dataset "${id}"`);
    return id;
  };
  let kpis: PageSpec['kpis'] = null;
  if (o.kpis !== undefined) {
    const k = obj(o.kpis, `${where}.kpis`);
    kpis = {
      dataset: dataset(k.dataset, `${where}.kpis.dataset`),
      items: arr(k.items, `${where}.kpis.items`).map((x, j) => {
        const w = `${where}.kpis.items[${j}]`;
        const i = obj(x, w);
        const item = { label: str(i.label, `${w}.label`), sum: optStr(i.sum, `${w}.sum`), distinct: optStr(i.distinct, `${w}.distinct`), shareOf: optStr(i.share_of, `${w}.share_of`) };
        if ((item.sum === null) === (item.distinct === null)) fail(w, 'exactly one of sum and distinct');
        return item;
      }),
    };
  }
  return {
    path, title: str(o.title, `${where}.title`),
    charts: ids('charts', charts), datasets: ids('datasets', datasets),
    kpis, schools: o.schools === undefined ? null : dataset(o.schools, `${where}.schools`), quality: flag(o.quality), dictionary: flag(o.dictionary), console: flag(o.console),
    status: flag(o.status), trends: flag(o.trends), communeMap: flag(o.commune_map), indicators: flag(o.indicators),
  };
}

export function parseRegistry(json: unknown): Registry {
  const o = obj(json, 'top');
  const datasets = arr(o.datasets, 'datasets').map(parseDataset);
  const datasetIds = new Set(datasets.map((d) => d.id));
  if (datasetIds.size !== datasets.length) fail('datasets', 'ids must be unique');
  const charts = arr(o.charts, 'charts').map((c, i) => parseChart(c, i, datasetIds));
  const chartIds = new Set(charts.map((c) => c.id));
  if (chartIds.size !== charts.length) fail('charts', 'ids must be unique');
  const pagesObj = obj(o.pages, 'pages');
  const pages = Object.fromEntries(AUDIENCES.map((a) => {
    const list = arr(pagesObj[a], `pages.${a}`).map((p, i) => parsePage(p, `pages.${a}[${i}]`, chartIds, datasetIds));
    if (list[0]?.path !== 'index.html') fail(`pages.${a}`, 'the first page must be index.html');
    return [a, list];
  })) as Record<AudienceKind, PageSpec[]>;
  return { datasets, charts, pages };
}

const registryFile = fileURLToPath(new URL(import.meta.url.endsWith('/dist/dashboards/registry.js') ? '../../dashboards/registry.json' : './registry.json', import.meta.url));

export function loadRegistry(file = registryFile): Registry {
  return parseRegistry(JSON.parse(readFileSync(file, 'utf8')));
}
