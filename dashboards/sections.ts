// Page blocks driven by the registry: a chart (SVG + table + CSV), key figures, the status of a
// dataset that may not exist yet. Every number goes through the small-cell rule here.
import { renderChart } from './charts.js';
import { dataset, provinceBoundaries, published, writeSiteFile, type SiteContext } from './context.js';
import { escapeHtml, formatInt, formatPercent, publishedCount, SMALL_CELL_THRESHOLD, SUPPRESSED } from './format.js';
import { DIMENSION_LABELS } from './dimensions.js';
import { figure, kpis, noData } from './page.js';
import { chartSql, type ChartRow } from './query.js';
import type { ChartSpec, Dataset, PageSpec } from './registry.js';
import { csv, htmlTable, type Cell } from './tables.js';
import { quotedIdentifier as q } from '../warehouse/sql.js';
import { readDictionary } from '../transforms/dictionary.js';
import { transformsDir } from '../transforms/runner.js';

/** A count as published: null when it is a small cell. */
export function suppress(n: number | null): number | null {
  return n !== null && n > 0 && n < SMALL_CELL_THRESHOLD ? null : n;
}

export function countCell(n: number | null): Cell {
  return { text: n === null ? SUPPRESSED : formatInt(n), value: n };
}

export function columnLabel(ds: Dataset, column: string): string {
  return ds.labels[column] ?? DIMENSION_LABELS[column] ?? column;
}

const MISSING_TABLE = (ds: Dataset) => `${ds.title}: bảng ${ds.table} chưa có trong kho dữ liệu.`;

/** The rows behind a chart, suppressed, or null when its table does not exist. */
export async function chartRows(ctx: SiteContext, chart: ChartSpec): Promise<ChartRow[] | null> {
  const ds = dataset(ctx, chart.dataset);
  const pub = published(ctx, ds);
  if (!pub) return null;
  const rows = await ctx.wh.rowsJson(chartSql(chart, pub), pub.params);
  return rows.map((r) => ({
    category: String(r.category ?? '(không rõ)'),
    ...(r.key !== undefined ? { key: String(r.key) } : {}),
    ...(r.facet !== undefined ? { facet: String(r.facet ?? '(không rõ)') } : {}),
    ...(r.period !== undefined ? { period: String(r.period) } : {}),
    values: chart.measures.map((_, i) => suppress(r[`m${i}`] === null ? null : Number(r[`m${i}`]))),
  }));
}

export async function chartSection(ctx: SiteContext, chart: ChartSpec): Promise<string> {
  const ds = dataset(ctx, chart.dataset);
  const rows = await chartRows(ctx, chart);
  if (rows === null) return noData(chart.title, MISSING_TABLE(ds));
  if (!rows.length) return noData(chart.title, 'Không có số liệu trong phạm vi của trang này.');
  return chartFigure(ctx, chart, rows, ds);
}

/**
 * Write the chart's CSV and return its figure; also used for charts not in the registry. `drawn`:
 * the rows the chart draws when it shows fewer than its table and CSV hold.
 */
export async function chartFigure(ctx: SiteContext, chart: ChartSpec, rows: ChartRow[], ds: Dataset | null, drawn: ChartRow[] = rows): Promise<string> {
  const label = (c: string) => (ds ? columnLabel(ds, c) : DIMENSION_LABELS[c] ?? c);
  const head = [label(chart.by), ...(chart.facet ? [label(chart.facet)] : []), ...(chart.kind === 'line' ? ['Năm học'] : []), ...chart.measures.map((m) => m.label)];
  const lead = (r: ChartRow) => [r.category, ...(chart.facet ? [r.facet ?? ''] : []), ...(chart.kind === 'line' ? [r.period ?? ''] : [])];
  const table = htmlTable(
    head.map((h, i) => ({ label: h, numeric: i >= head.length - chart.measures.length })),
    rows.map((r) => [...lead(r), ...r.values.map(countCell)]),
    { caption: chart.title },
  );
  const file = `data/${chart.id}.csv`;
  await writeSiteFile(ctx, file, csv(head, rows.map((r) => [...lead(r), ...r.values.map((v) => (v === null ? SUPPRESSED : v))])));
  const svg = renderChart(chart, drawn, chart.kind === 'map' ? provinceBoundaries() : null);
  return figure({ id: chart.id, title: chart.title, caption: chart.caption, svg, table, csv: file });
}

export async function kpiSection(ctx: SiteContext, spec: NonNullable<PageSpec['kpis']>): Promise<string> {
  const ds = dataset(ctx, spec.dataset);
  const pub = published(ctx, ds);
  if (!pub) return noData('Số liệu chính', MISSING_TABLE(ds));
  const exprs = spec.items.flatMap((k, i) => [
    k.distinct ? `count(distinct ${q(k.distinct)})::double as k${i}` : `sum(${q(k.sum!)})::double as k${i}`,
    ...(k.shareOf ? [`sum(${q(k.shareOf)})::double as w${i}`] : []),
  ]);
  const [r] = await ctx.wh.rowsJson(`${pub.with}\nselect ${exprs.join(', ')}, max(period) as period from published where period = (select max(period) from published)`, pub.params);
  if (!r || r.period === null) return noData('Số liệu chính', 'Không có số liệu trong phạm vi của trang này.');
  const items = spec.items.map((k, i) => {
    const v = Number(r[`k${i}`] ?? 0);
    const value = k.distinct ? formatInt(v) : k.shareOf ? (suppress(v) === null ? SUPPRESSED : formatPercent(v, Number(r[`w${i}`] ?? 0))) : publishedCount(v);
    return { value, label: k.label };
  });
  return `<p>Năm học ${String(r.period)}.</p>${kpis(items)}`;
}

/** Where a planned table stands: what it will hold, and whether it exists yet. */
export async function datasetStatus(ctx: SiteContext, ds: Dataset): Promise<string> {
  const cols = ctx.catalog.columns.get(ds.table);
  if (!cols) return noData(ds.title, `${ds.description} Bảng ${ds.table} chưa có trong kho dữ liệu; trang này sẽ hiện số liệu khi có.`);
  if (ctx.provinceCode !== null && ds.schoolColumn === null) return noData(ds.title, `${ds.description} Bảng ${ds.table} chưa tách được theo tỉnh.`);
  const [r] = await ctx.wh.rowsJson(`select count(*)::integer as n from ${ds.table.split('.').map(q).join('.')}`);
  // a column the registry does not describe is described in the data dictionary (transforms/dictionary.json)
  const described = readDictionary(transformsDir).tables[ds.table]?.columns ?? {};
  const list = htmlTable([{ label: 'Cột' }, { label: 'Ý nghĩa' }], cols.map((c) => [c.name, ds.columns[c.name] ?? described[c.name] ?? '(chưa có mô tả)']));
  return `<section><h2>${escapeHtml(ds.title)}</h2><p>${escapeHtml(ds.description)}</p><p>Bảng <code>${escapeHtml(ds.table)}</code> có ${formatInt(Number(r?.n ?? 0))} dòng. Trang chi tiết sẽ được dựng khi có mart tổng hợp của bảng này.</p>${list}</section>`;
}
