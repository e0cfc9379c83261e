// Trends across school years by province, on either geography: the 63 provinces before 1 July 2025
// and the 34 after (QĐ 19/2025), each series continuous across the reorganisation through
// core.unit_crosswalk, with a switch (client script) between the two.
//   Source: marts.mart_network_report (geography 'old' | 'new', unit_level 'province') when the
//   warehouse has it; until then mart_pupils_by_school_grade with each school placed here:
//   new geography — the school's province then, carried forward through the province crosswalk
//     (dimensions.ts, the same placing as every other page);
//   old geography — before 1/7/2025 the province then; after it, the new commune's old communes
//     (commune crosswalk) → their district → their province, or, without a known commune, the new
//     province when it was made of one old province only. A school whose old province cannot be
//     told (a new commune or province made of several) is counted as "không xác định" — shown, not
//     guessed, so the national totals of both geographies are equal every year.
import type { SiteContext } from './context.js';
import { dataset, published } from './context.js';
import { escapeHtml, formatInt, SUPPRESSED } from './format.js';
import { noData } from './page.js';
import type { ChartRow } from './query.js';
import type { ChartSpec } from './registry.js';
import { chartFigure, suppress } from './sections.js';
import { htmlTable } from './tables.js';

export const GEOGRAPHIES = [
  { id: 'new', label: '34 tỉnh, thành phố (từ 1/7/2025)' },
  { id: 'old', label: '63 tỉnh, thành phố (trước 1/7/2025)' },
] as const;
export type Geography = (typeof GEOGRAPHIES)[number]['id'];

const UNKNOWN = 'không xác định';
const TOP = 10;

export interface TrendRow {
  geography: Geography;
  period: string;
  province_code: string | null;
  province_name: string;
  count_pupils: number;
}

/** The mart's all-levels, all-ownerships, all-areas rows ('*') of each province. */
function fromNetworkReport(columns: string[]): string {
  const totals = ['level_code', 'ownership_group', 'area_code'].filter((c) => columns.includes(c)).map((c) => `\n    and ${c} = '*'`).join('');
  return `select geography, period, unit_code as province_code, any_value(unit_name) as province_name, sum(count_pupils)::double as count_pupils
from marts.mart_network_report
where unit_level = 'province'${totals}
group by geography, period, unit_code`;
}

function fromSchools(publishedWith: string): string {
  // publishedWith defines school_units and located for every school of the mart (dimensions.ts)
  return `${publishedWith},

old_from_commune as (
    select
        crosswalk.new_code as commune_code,
        min(province.code) as old_code,
        count(distinct province.code) as n
    from core.unit_crosswalk as crosswalk
    inner join core.units as commune on commune.unit_id = crosswalk.old_unit_id
    inner join core.units as district on district.unit_id = commune.parent_id
    inner join core.units as province on province.unit_id = district.parent_id and province.level = 'province'
    where crosswalk.level = 'commune'
    group by crosswalk.new_code
),

old_from_province as (
    select new_code, min(old_code) as old_code, count(*) as n
    from core.unit_crosswalk
    where level = 'province'
    group by new_code
),

old_names as (
    select code, name from core.units where level = 'province' and valid_to = date '2025-06-30'
),

old_placed as (
    select
        school_units.period,
        school_units.school_code,
        case
            when school_units.counted_on < date '2025-07-01' then school_units.province_code_then
            when old_from_commune.n = 1 then old_from_commune.old_code
            when old_from_commune.n is null and old_from_province.n = 1 then old_from_province.old_code
        end as province_code
    from school_units
    left join old_from_commune
        on old_from_commune.commune_code = school_units.commune_code
    left join old_from_province
        on old_from_province.new_code = school_units.province_code_then
),

placed as (
    select period, school_code, 'new' as geography, province_code, province_name
    from located
    union all
    select
        old_placed.period,
        old_placed.school_code,
        'old' as geography,
        old_placed.province_code,
        coalesce(old_names.name, old_placed.province_code, '${UNKNOWN}') as province_name
    from old_placed
    left join old_names on old_names.code = old_placed.province_code
)

select
    placed.geography,
    published.period,
    placed.province_code,
    any_value(placed.province_name) as province_name,
    sum(published.count_pupils)::double as count_pupils
from published
inner join placed
    on placed.period = published.period
    and placed.school_code = published.school_code
group by placed.geography, published.period, placed.province_code`;
}

export interface Trend {
  rows: TrendRow[];
  /** where the rows come from, for the page */
  source: string;
}

async function run(ctx: SiteContext, sql: string, params: string[]): Promise<TrendRow[]> {
  const rows = await ctx.wh.rowsJson(`select * from (${sql}) order by geography, period, province_code`, params);
  return rows.map((r) => ({
    geography: String(r.geography) as Geography,
    period: String(r.period),
    province_code: r.province_code === null ? null : String(r.province_code),
    province_name: String(r.province_name ?? UNKNOWN),
    count_pupils: Number(r.count_pupils ?? 0),
  }));
}

const unplaced = (rows: TrendRow[]) => rows.filter((r) => r.province_code === null).reduce((s, r) => s + r.count_pupils, 0);

/**
 * Pupils by geography, school year and province; null when there is nothing to draw from. The
 * network report is used when the warehouse has it and it places at least as many pupils in a
 * province as the dashboards' own placing (a mart still being built may not place them yet).
 */
export async function trendRows(ctx: SiteContext): Promise<Trend | null> {
  const network = ctx.catalog.columns.get('marts.mart_network_report')?.map((c) => c.name) ?? [];
  let own: TrendRow[] | null = null;
  if (ctx.catalog.tables.has('core.units') && ctx.catalog.tables.has('core.unit_crosswalk')) {
    const pub = published(ctx, dataset(ctx, 'hoc_sinh_theo_truong_khoi'));
    if (pub) own = await run(ctx, fromSchools(pub.with), pub.params);
  }
  const OWN = 'số học sinh theo trường (marts.mart_pupils_by_school_grade), mỗi trường đặt vào tỉnh qua xã ghi trong tệp và bảng chuyển đổi đơn vị hành chính';
  if (['geography', 'period', 'unit_level', 'unit_code', 'unit_name', 'count_pupils'].every((c) => network.includes(c)) && ctx.provinceCode === null) {
    const report = await run(ctx, fromNetworkReport(network), []);
    if (own === null || unplaced(report) <= unplaced(own)) return { rows: report, source: 'báo cáo mạng lưới (marts.mart_network_report)' };
  }
  return own === null ? null : { rows: own, source: OWN };
}

const chartFor = (g: (typeof GEOGRAPHIES)[number], top: number): ChartSpec => ({
  id: `xu_huong_tinh_${g.id === 'new' ? 'moi' : 'cu'}`, dataset: 'hoc_sinh_theo_truong_khoi', kind: 'line',
  title: `Học sinh qua các năm học, theo tỉnh — ${g.label}`,
  caption: `Học sinh đang học theo năm học, ${top} tỉnh, thành phố đông nhất năm học mới nhất (mọi tỉnh trong bảng và tệp CSV); địa giới ${g.label}, các năm trước và sau 1/7/2025 quy về cùng địa giới qua bảng chuyển đổi đơn vị hành chính.`,
  by: 'province_name', order: null, facet: null, limit: null,
  measures: [{ label: 'Học sinh', sum: 'count_pupils', minus: null }],
});

export async function trendSections(ctx: SiteContext): Promise<string> {
  const trend = await trendRows(ctx);
  if (trend === null) return noData('Xu hướng theo tỉnh', 'Chưa có bảng đơn vị hành chính (core.units, core.unit_crosswalk) hoặc số học sinh theo trường.');
  const rows = trend.rows;
  if (!rows.length) return noData('Xu hướng theo tỉnh', 'Không có số liệu trong phạm vi của trang này.');
  const periods = [...new Set(rows.map((r) => r.period))].sort();
  const latest = periods.at(-1)!;
  const blocks: string[] = [];
  for (const g of GEOGRAPHIES) {
    const mine = rows.filter((r) => r.geography === g.id);
    const ranked = mine.filter((r) => r.period === latest).sort((a, b) => b.count_pupils - a.count_pupils).map((r) => r.province_name);
    const top = new Set(ranked.slice(0, TOP));
    const toChart = (list: TrendRow[]): ChartRow[] => list.map((r) => ({ category: r.province_name, period: r.period, values: [suppress(r.count_pupils)] }));
    const chart = chartFor(g, Math.min(TOP, top.size));
    // the chart draws the top provinces; its table and CSV hold them all
    const figure = await chartFigure(ctx, chart, toChart(mine), null, toChart(mine.filter((r) => top.has(r.province_name))));
    const totals = periods.map((p) => [p, formatInt(mine.filter((r) => r.period === p).reduce((s, r) => s + r.count_pupils, 0)),
      formatInt(new Set(mine.filter((r) => r.period === p && r.province_code !== null).map((r) => r.province_code)).size)]);
    blocks.push(`<div data-switch-group="geography" data-switch-value="${g.id}"${g.id === 'new' ? '' : ' hidden'}>
${figure}
${htmlTable([{ label: 'Năm học' }, { label: 'Học sinh, toàn bộ', numeric: true }, { label: 'Số tỉnh có số liệu', numeric: true }], totals, { id: `trend-totals-${g.id}`, caption: `Tổng theo năm học — ${g.label}` })}
</div>`);
  }
  return `<section class="trends"><h2>Xu hướng theo tỉnh, thành phố</h2>
<p>Chọn địa giới: mỗi năm học được tính theo cùng một cách chia tỉnh, nên chuỗi số liệu liền mạch qua ngày 1/7/2025. Tổng cả nước mỗi năm học như nhau ở hai cách chia; học sinh của trường không xác định được tỉnh được ghi "${UNKNOWN}". ${SUPPRESSED} = số nhỏ không công bố. Nguồn: ${escapeHtml(trend.source)}.</p>
<div class="filters"><label>Địa giới<select id="geography" data-switch="geography">${GEOGRAPHIES.map((g) => `<option value="${g.id}">${escapeHtml(g.label)}</option>`).join('')}</select></label></div>
${blocks.join('\n')}
</section>`;
}
