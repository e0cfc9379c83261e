// Charts: Observable Plot rendered to SVG at build time (a server-side DOM from linkedom), so the
// browser downloads no chart library. Colours keep apart in greyscale print; values of
// suppressed cells are null and not drawn.
import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';
import { escapeHtml, formatInt } from './format.js';
import type { ChartRow } from './query.js';
import type { ChartSpec } from './registry.js';

/** Dark blue, orange, light blue, dark red, …: distinct in colour and in grey. */
export const PALETTE = ['#1f4e79', '#e08a2c', '#7fb2e5', '#8c2d19', '#4d9a6a', '#c9b037', '#6b4c9a', '#999999'];
const FONT = 'system-ui, sans-serif';

export interface GeoFeatures {
  type: 'FeatureCollection';
  features: { type: 'Feature'; properties: { province_code: string; name: string }; geometry: unknown }[];
}

interface Outer {
  outerHTML: string;
}

function render(options: Plot.PlotOptions): string {
  const { document } = parseHTML('<!doctype html><html><body></body></html>');
  const node = Plot.plot({ document, style: { fontFamily: FONT, fontSize: '12px', background: 'white' }, ...options }) as unknown as Outer;
  return node.outerHTML;
}

const tick = (d: number) => formatInt(d);
const label = (v: number | null) => (v === null ? 'x' : formatInt(v));

interface Long {
  category: string;
  facet: string;
  period: string;
  series: string;
  value: number | null;
}

function long(chart: ChartSpec, rows: ChartRow[]): Long[] {
  return rows.flatMap((r) => chart.measures.map((m, i) => ({
    category: r.category, facet: r.facet ?? '', period: r.period ?? '', series: m.label, value: r.values[i] ?? null,
  })));
}

function colour(chart: ChartSpec): Plot.ScaleOptions {
  return { domain: chart.measures.map((m) => m.label), range: PALETTE, legend: chart.measures.length > 1 };
}

function bar(chart: ChartSpec, rows: ChartRow[]): string {
  const data = long(chart, rows);
  return render({
    width: 760, height: 320, marginLeft: 64, marginBottom: 40,
    x: { label: null, domain: rows.map((r) => r.category), tickRotate: rows.length > 10 ? -30 : 0 },
    y: { label: chart.measures.length > 1 ? 'Số lượng' : chart.measures[0]!.label, grid: true, tickFormat: tick },
    color: colour(chart),
    marks: [
      Plot.barY(data, { x: 'category', y: 'value', fill: 'series', stroke: 'white', title: (d: Long) => `${d.category} — ${d.series}: ${label(d.value)}` }),
      Plot.ruleY([0]),
    ],
  });
}

function rankedBar(chart: ChartSpec, rows: ChartRow[]): string {
  const data = long(chart, rows);
  const longest = Math.max(10, ...rows.map((r) => r.category.length));
  const top = Math.max(1, ...rows.map((r) => r.values.reduce<number>((s, v) => s + (v ?? 0), 0)));
  return render({
    width: 760, height: 50 + rows.length * 22, marginLeft: Math.min(340, 16 + longest * 7.2), marginRight: 56,
    y: { label: null, domain: rows.map((r) => r.category) },
    x: { label: chart.measures.length > 1 ? 'Số lượng' : chart.measures[0]!.label, grid: true, tickFormat: tick, axis: 'top', ticks: Math.min(6, top) },
    color: colour(chart),
    marks: [
      Plot.barX(data, { y: 'category', x: 'value', fill: 'series', stroke: 'white', title: (d: Long) => `${d.category} — ${d.series}: ${label(d.value)}` }),
      Plot.text(rows, { y: 'category', x: (r: ChartRow) => r.values.reduce<number>((s, v) => s + (v ?? 0), 0), text: (r: ChartRow) => (r.values.includes(null) ? 'x' : formatInt(r.values.reduce<number>((s, v) => s + (v ?? 0), 0))), dx: 4, textAnchor: 'start', fill: '#222' }),
      Plot.ruleX([0]),
    ],
  });
}

function line(chart: ChartSpec, rows: ChartRow[]): string {
  const data = long(chart, rows).map((d) => ({ ...d, series: d.category }));
  const series = [...new Set(data.map((d) => d.series))];
  return render({
    width: 760, height: 320, marginLeft: 64,
    x: { label: 'Năm học', type: 'point', domain: [...new Set(rows.map((r) => r.period ?? ''))].sort() },
    y: { label: chart.measures[0]!.label, grid: true, zero: true, tickFormat: tick },
    color: { domain: series, range: PALETTE, legend: true },
    marks: [
      Plot.line(data, { x: 'period', y: 'value', stroke: 'series', z: 'series', strokeWidth: 2.5 }),
      Plot.dot(data, { x: 'period', y: 'value', fill: 'series', symbol: 'series', r: 4, title: (d: Long) => `${d.series}, ${d.period}: ${label(d.value)}` }),
    ],
  });
}

function map(chart: ChartSpec, rows: ChartRow[], geo: GeoFeatures): string {
  const values = new Map(rows.map((r) => [r.key ?? '', r.values[0] ?? null]));
  const names = new Map(rows.map((r) => [r.key ?? '', r.category]));
  const value = (f: GeoFeatures['features'][number]) => values.get(f.properties.province_code) ?? null;
  return render({
    width: 460,
    projection: { type: 'mercator', domain: geo as never, inset: 8 },
    color: { type: 'quantize', n: 5, scheme: 'blues', unknown: '#e6e6e6', legend: true, label: chart.measures[0]!.label, tickFormat: tick },
    marks: [
      Plot.geo(geo.features, {
        fill: value, stroke: '#555', strokeWidth: 0.6,
        title: (f: GeoFeatures['features'][number]) => `${names.get(f.properties.province_code) ?? f.properties.name}: ${values.has(f.properties.province_code) ? label(value(f)) : 'chưa có dữ liệu'}`,
      }),
    ],
  });
}

function smallMultiples(chart: ChartSpec, rows: ChartRow[]): string {
  const facets = [...new Set(rows.map((r) => r.facet ?? ''))];
  const max = Math.max(1, ...rows.flatMap((r) => r.values.map((v) => v ?? 0)));
  const categories = [...new Set(rows.map((r) => r.category))];
  const cells = facets.map((f) => {
    const data = long(chart, rows.filter((r) => r.facet === f));
    const svg = render({
      width: 240, height: 150, marginLeft: 44, marginTop: 10, marginBottom: 28,
      x: { label: null, domain: categories.filter((c) => data.some((d) => d.category === c)), tickFormat: (c: string) => c.replace(/^Khối\s+/, '') },
      y: { label: null, domain: [0, max], grid: true, ticks: 3, tickFormat: tick },
      color: colour(chart),
      marks: [Plot.barY(data, { x: 'category', y: 'value', fill: 'series', title: (d: Long) => `${d.category}: ${label(d.value)}` }), Plot.ruleY([0])],
    });
    return `<div class="multiple"><h4>${escapeHtml(f)}</h4>${svg}</div>`;
  });
  return `<div class="multiples">${cells.join('')}</div>`;
}

/** The chart as SVG markup (a <figure> with a legend, or a grid of SVGs for small multiples). */
export function renderChart(chart: ChartSpec, rows: ChartRow[], geo: GeoFeatures | null): string {
  switch (chart.kind) {
    case 'bar': return bar(chart, rows);
    case 'rankedBar': return rankedBar(chart, rows);
    case 'line': return line(chart, rows);
    case 'smallMultiples': return smallMultiples(chart, rows);
    case 'map':
      if (!geo) throw new Error(`chart ${chart.id}: a map needs the province boundaries`);
      return map(chart, rows, geo);
  }
}

export interface CommunePoint {
  code: string;
  name: string;
  lon: number;
  lat: number;
  /** pupils; null = suppressed; undefined = no data */
  value?: number | null;
}

/**
 * A province's communes as points at their centroids over the province outline: communes with
 * data as dots whose area follows the value, the others as small grey dots (no commune boundaries
 * are vendored: see dashboards/commune-map.ts).
 */
export function communePointMap(outline: GeoFeatures['features'][number], points: CommunePoint[], measure: string): string {
  const withData = points.filter((p) => p.value !== undefined);
  const max = Math.max(1, ...withData.map((p) => p.value ?? 0));
  const label = (p: CommunePoint) => `${p.name}: ${p.value === undefined ? 'chưa có dữ liệu' : p.value === null ? 'x (số nhỏ)' : formatInt(p.value)}`;
  return render({
    width: 560,
    projection: { type: 'mercator', domain: outline as never, inset: 12 },
    r: { type: 'sqrt', domain: [0, max], range: [0, 18] },
    marks: [
      Plot.geo([outline], { fill: '#f4f6f8', stroke: '#555', strokeWidth: 0.8 }),
      Plot.dot(points.filter((p) => p.value === undefined), { x: 'lon', y: 'lat', r: 1.6, fill: '#b5b5b5', title: label }),
      Plot.dot(withData, { x: 'lon', y: 'lat', r: (p: CommunePoint) => (p.value === null ? 4 : p.value), fill: (p: CommunePoint) => (p.value === null ? 'white' : PALETTE[0]), fillOpacity: 0.75, stroke: '#123', title: label }),
      Plot.text(withData, { x: 'lon', y: 'lat', text: 'name', dy: -14, fontSize: 10, fill: '#222', stroke: 'white', strokeWidth: 3, paintOrder: 'stroke' }),
    ],
  }) + `<p class="legend">● ${escapeHtml(measure)}: diện tích chấm tỉ lệ với số (lớn nhất ${formatInt(max)}); ○ số nhỏ không công bố; · xã, phường chưa có dữ liệu.</p>`;
}
