// Indicator pages: each indicator's definition (code, name, definition, numerator and denominator
// measures, unit, the circular that sets it, targets) from forms/indicators.json — their one home,
// read by the transforms too — and its values from marts.mart_indicators, latest school year, on
// the post-2025 geography, all levels together ('*'): the provinces for the Bộ, the province and
// its communes for a Sở (every level in the CSV). A value whose numerator or denominator is a small
// cell is not published.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SiteContext } from './context.js';
import { escapeHtml, formatInt, SMALL_CELL_THRESHOLD, SUPPRESSED } from './format.js';
import { noData } from './page.js';
import { csv, htmlTable } from './tables.js';
import { writeSiteFile } from './context.js';

const indicatorsFile = fileURLToPath(new URL(import.meta.url.endsWith('/dist/dashboards/indicators.js') ? '../../forms/indicators.json' : '../forms/indicators.json', import.meta.url));

export interface IndicatorDefinition {
  code: string;
  name: string;
  formula: string | null;
  numerator: string | null;
  denominator: string | null;
  regulation: string | null;
  unit: string | null;
  /** e.g. "cấp 02: tối đa 3; cấp 03: tối đa 2" */
  targets: string | null;
}

function targetsText(v: unknown): string | null {
  if (typeof v !== 'object' || v === null) return null;
  const t = v as { direction?: string; by_level?: Record<string, number> };
  const word = t.direction === 'max' ? 'tối đa' : 'tối thiểu';
  return Object.entries(t.by_level ?? {}).map(([level, n]) => `${level === '*' ? 'mọi cấp' : `cấp ${level}`}: ${word} ${n}`).join('; ') || null;
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v : typeof v === 'number' ? String(v) : null);

/** The definitions, or null while forms/indicators.json is not written. */
export function loadIndicatorDefinitions(file = indicatorsFile): IndicatorDefinition[] | null {
  if (!existsSync(file)) return null;
  const json: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const list = Array.isArray(json) ? json : (json as { indicators?: unknown }).indicators;
  if (!Array.isArray(list)) throw new Error(`${file}: expected a list of indicators (or { "indicators": [...] })`);
  return list.map((e: Record<string, unknown>, i) => {
    const code = text(e.code);
    const name = text(e.name);
    if (!code || !name) throw new Error(`${file}: indicator ${i}: code and name are needed`);
    return {
      code, name,
      formula: text(e.definition ?? e.formula),
      numerator: text(e.numerator), denominator: text(e.denominator),
      regulation: text(e.regulation), unit: text(e.unit), targets: targetsText(e.targets),
    };
  });
}

const value = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 2 });

export async function indicatorSections(ctx: SiteContext): Promise<string> {
  const defs = loadIndicatorDefinitions();
  const parts: string[] = [];
  if (defs === null) parts.push(noData('Định nghĩa chỉ số', 'Tệp định nghĩa chỉ số (forms/indicators.json) chưa có.'));
  else {
    parts.push(`<section><h2>Định nghĩa chỉ số</h2>
${htmlTable(['Mã', 'Chỉ số', 'Cách tính', 'Tử số', 'Mẫu số', 'Đơn vị', 'Mục tiêu', 'Văn bản quy định'].map((label) => ({ label })),
      defs.map((d) => [d.code, d.name, d.formula ?? '', d.numerator ?? '', d.denominator ?? '', d.unit ?? '', d.targets ?? '', d.regulation ?? '']),
      { id: 'indicator-definitions', caption: 'Các chỉ số và định nghĩa (forms/indicators.json)' })}
</section>`);
  }
  const cols = ctx.catalog.columns.get('marts.mart_indicators')?.map((c) => c.name) ?? [];
  const needed = ['period', 'unit_level', 'unit_code', 'unit_name', 'indicator_code', 'numerator', 'denominator', 'value'];
  if (!needed.every((c) => cols.includes(c))) {
    parts.push(noData('Giá trị chỉ số', `Bảng marts.mart_indicators chưa có trong kho dữ liệu${cols.length ? ` (hoặc chưa có đủ cột ${needed.join(', ')})` : ''}.`));
    return parts.join('\n');
  }
  const geo = cols.includes('geography') ? `and geography = 'new'` : '';
  const level = cols.includes('level_code') ? 'level_code' : `'*'`;
  const scope = ctx.provinceCode === null
    ? `unit_level = 'province'`
    : cols.includes('province_code')
      ? `province_code = $1 and unit_level in ('province', 'commune')`
      : `unit_level = 'province' and unit_code = $1`;
  const target = cols.includes('meets_target') ? 'meets_target' : 'null';
  const all = await ctx.wh.rowsJson(`select period, unit_level, unit_code, unit_name, ${level} as level_code, indicator_code,
    ${cols.includes('indicator_name') ? 'indicator_name' : 'indicator_code'} as indicator_name, numerator::double as numerator, denominator::double as denominator,
    value::double as value, ${target} as meets_target
from marts.mart_indicators
where period = (select max(period) from marts.mart_indicators) ${geo} and ${scope}
order by indicator_code, unit_level desc, unit_code, level_code`, ctx.provinceCode === null ? [] : [ctx.provinceCode]);
  const rows = all.filter((r) => r.level_code === '*');
  if (!rows.length) {
    parts.push(noData('Giá trị chỉ số', 'Không có giá trị chỉ số trong phạm vi của trang này.'));
    return parts.join('\n');
  }
  const names = new Map((defs ?? []).map((d) => [d.code, d.name]));
  const small = (n: number) => n > 0 && n < SMALL_CELL_THRESHOLD;
  const line = (r: Record<string, unknown>) => {
    const num = Number(r.numerator ?? 0);
    const den = Number(r.denominator ?? 0);
    const hidden = small(num) || small(den);
    const meets = r.meets_target === null || r.meets_target === undefined || hidden ? '' : r.meets_target ? 'đạt' : 'chưa đạt';
    return [String(r.indicator_code), names.get(String(r.indicator_code)) ?? String(r.indicator_name), String(r.unit_name), String(r.level_code ?? ''),
      hidden ? SUPPRESSED : formatInt(num), small(den) ? SUPPRESSED : formatInt(den), hidden || r.value === null ? SUPPRESSED : value.format(Number(r.value)), meets];
  };
  const body = rows.map(line);
  const head = ['Mã', 'Chỉ số', 'Đơn vị', 'Cấp học', 'Tử số', 'Mẫu số', 'Giá trị', 'Mục tiêu'];
  await writeSiteFile(ctx, 'data/chi_so.csv', csv(head, all.map(line)));
  const codes = [...new Set(body.map((r) => r[0]!))];
  parts.push(`<section><h2>Giá trị chỉ số, năm học ${escapeHtml(String(rows[0]!.period))}</h2>
<div class="filters" role="search"><label>Chỉ số<select id="indicator-filter" data-filter="indicator-values" data-column="0"><option value="">Tất cả</option>${codes.map((c) => `<option>${escapeHtml(c)}</option>`).join('')}</select></label>
<p>Đang hiện <output data-count="indicator-values">${body.length}</output> / ${body.length} dòng.</p></div>
${htmlTable(head.map((label, i) => ({ label, numeric: i >= 4 && i <= 6 })), body, { id: 'indicator-values', caption: 'Giá trị chỉ số (marts.mart_indicators)', filterable: true })}
<p class="note">Bảng: mọi cấp học gộp lại (cấp *); <a href="data/chi_so.csv" download>tải bảng đủ các cấp học (CSV)</a>. ${SUPPRESSED} = tử số hoặc mẫu số nhỏ, không công bố.</p>
</section>`);
  return parts.join('\n');
}
