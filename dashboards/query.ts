// SQL for what a page shows: a dataset as published (its table, plus the derived dimensions, scoped
// to one province for a Sở) and each chart's aggregate over it. Column names come from the
// registry and are checked against the table's real columns before they are quoted in.
import type { ChartSpec, Dataset } from './registry.js';
import { GEOGRAPHY_COLUMNS, LEVEL_COLUMNS, levelNameSql, locatedCtes, type DimensionSources } from './dimensions.js';
import { quotedIdentifier as q } from '../warehouse/sql.js';

export interface PublishedSql {
  /** `with …, published as (…)`: to be followed by a select from published */
  with: string;
  /** every column of `published` */
  columns: string[];
  /** bound parameters of `with` ($1 = the province code when scoped) */
  params: string[];
}

function tableRef(table: string): string {
  const [schema, name] = table.split('.');
  return `${q(schema!)}.${q(name!)}`;
}

/** The dataset as published; scoped to one province when provinceCode is given. */
export function publishedSql(ds: Dataset, tableColumns: string[], src: DimensionSources, provinceCode: string | null): PublishedSql {
  const geo = ds.schoolColumn !== null && tableColumns.includes(ds.schoolColumn) && tableColumns.includes('period');
  if (provinceCode !== null && !geo) throw new Error(`${ds.id}: no school column, so it cannot be scoped to a province`);
  const extra: string[] = [];
  const selects = ['base.*'];
  if (geo) for (const c of GEOGRAPHY_COLUMNS) if (!tableColumns.includes(c)) { extra.push(c); selects.push(`located.${q(c)}`); }
  if (tableColumns.includes('level_code') && !tableColumns.includes('level_name')) {
    extra.push(...LEVEL_COLUMNS);
    selects.push(`${levelNameSql(src, 'base.level_code')} as level_name`);
  }
  const ctes = [`base as (\n    select * from ${tableRef(ds.table)}\n)`];
  let from = 'base';
  if (geo) {
    ctes.push(locatedCtes(src, `(select period, ${q(ds.schoolColumn!)} as school_code from base)`));
    from = `base\n    left join located\n        on located.period = base.period\n        and located.school_code = base.${q(ds.schoolColumn!)}`;
  }
  const where = provinceCode !== null ? '\n    where located.province_code = $1' : '';
  ctes.push(`published as (\n    select\n        ${selects.join(',\n        ')}\n    from ${from}${where}\n)`);
  return { with: `with ${ctes.join(',\n\n')}`, columns: [...tableColumns, ...extra], params: provinceCode !== null ? [provinceCode] : [] };
}

export interface ChartRow {
  category: string;
  /** the province code, for a map */
  key?: string;
  facet?: string;
  period?: string;
  /** one value per measure; null = suppressed (set by the caller) */
  values: (number | null)[];
}

function measureSql(m: ChartSpec['measures'][number]): string {
  return m.minus ? `sum(${q(m.sum)}) - sum(${q(m.minus)})` : `sum(${q(m.sum)})`;
}

/** The aggregate behind a chart: category [, key] [, facet] [, period], m0, m1, … */
export function chartSql(chart: ChartSpec, published: PublishedSql): string {
  const known = new Set(published.columns);
  const used = [chart.by, chart.order, chart.facet, ...chart.measures.flatMap((m) => [m.sum, m.minus])].filter((c): c is string => c !== null);
  const missing = used.filter((c) => !known.has(c));
  if (missing.length) throw new Error(`chart ${chart.id}: ${chart.dataset} has no column ${missing.join(', ')}`);
  const measures = chart.measures.map((m, i) => `(${measureSql(m)})::double as m${i}`);
  const total = chart.measures.map(measureSql).join(' + ');
  const latest = 'period = (select max(period) from published)';
  const cols = [`${q(chart.by)} as category`];
  const groups = [q(chart.by)];
  if (chart.kind === 'map') {
    cols.push('province_code as key');
    groups.push('province_code');
  }
  if (chart.facet) {
    cols.push(`${q(chart.facet)} as facet`);
    groups.push(q(chart.facet));
  }
  if (chart.kind === 'line') {
    cols.push('period');
    groups.push('period');
  }
  const where: string[] = chart.kind === 'line' ? [] : [latest];
  if (chart.facet && chart.limit) {
    where.push(`${q(chart.facet)} in (\n        select ${q(chart.facet)} from published where ${latest}\n        group by ${q(chart.facet)} order by ${total} desc, ${q(chart.facet)} limit ${chart.limit}\n    )`);
  }
  let order: string;
  if (chart.kind === 'line') order = `period, ${q(chart.by)}`;
  else if (chart.kind === 'rankedBar') order = `${total} desc, ${q(chart.by)}`;
  else order = `${chart.facet ? `${q(chart.facet)}, ` : ''}${chart.order ? `min(${q(chart.order)})` : q(chart.by)}`;
  const limit = chart.kind === 'rankedBar' && chart.limit ? `\nlimit ${chart.limit}` : '';
  return `${published.with}
select
    ${[...cols, ...measures].join(',\n    ')}
from published${where.length ? `\nwhere ${where.join('\n    and ')}` : ''}
group by ${groups.join(', ')}
order by ${order}${limit}`;
}
