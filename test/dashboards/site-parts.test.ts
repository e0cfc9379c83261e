// The parts of the site builder that need no warehouse: the registry's checks, the SQL a chart
// generates, the personal-data finder, the server's path rule.
import { expect, test } from 'vitest';
import { join } from 'node:path';
import { loadRegistry, parseRegistry } from '../../dashboards/registry.js';
import { chartSql, publishedSql } from '../../dashboards/query.js';
import { addValue, findPersonal, personalColumns, reasonWithoutValueSql, type PersonalValues } from '../../dashboards/privacy.js';
import { copySql } from '../../dashboards/analyst.js';
import { resolveRequest } from '../../cli/serve.js';

const registry = loadRegistry();

test('the registry parses, and its mistakes are named', () => {
  expect(registry.pages.bo[0]!.path).toBe('index.html');
  const base = JSON.parse(JSON.stringify({ datasets: [{ id: 'a', table: 'marts.a', title: 't', description: 'd' }], charts: [], pages: { bo: [{ path: 'index.html', title: 'x' }], so: [{ path: 'index.html', title: 'x' }], analyst: [{ path: 'index.html', title: 'x' }] } }));
  expect(parseRegistry(base).datasets[0]!.columns).toEqual({});
  expect(() => parseRegistry({ ...base, charts: [{ id: 'c', dataset: 'nope', kind: 'bar', title: 't', caption: 'c', by: 'x', measures: [{ label: 'l', sum: 's' }] }] }))
    .toThrow('charts[0].dataset: no dataset "nope"');
  expect(() => parseRegistry({ ...base, charts: [{ id: 'c', dataset: 'a', kind: 'pie', title: 't', caption: 'c', by: 'x', measures: [] }] })).toThrow('charts[0].kind: "pie"');
  expect(() => parseRegistry({ ...base, datasets: [{ id: 'A-b', table: 'marts.a', title: 't', description: 'd' }] })).toThrow('datasets[0].id');
  expect(() => parseRegistry({ ...base, pages: { ...base.pages, so: [{ path: '../x.html', title: 'x' }] } })).toThrow('pages.so[0].path');
});

test('no registry column is a personal column of a form', () => {
  const personal = new Set([...personalColumns().values()].flat());
  for (const c of ['birth_date', 'full_name', 'personal_id', 'pupil_code']) expect(personal.has(c), c).toBe(true);
  for (const ds of registry.datasets) for (const c of Object.keys(ds.columns)) expect(personal.has(c), `${ds.id}.${c}`).toBe(false);
});

test('a chart is one aggregate over the dataset as published, scoped by a bound parameter', () => {
  const ds = registry.datasets.find((d) => d.id === 'hoc_sinh_theo_truong_khoi')!;
  const cols = ['period', 'school_code', 'school_name', 'level_code', 'grade_code', 'grade_name', 'count_pupils', 'count_pupils_female'];
  const pub = publishedSql(ds, cols, { tables: new Set() }, '19');
  expect(pub.params).toEqual(['19']);
  expect(pub.columns).toEqual([...cols, 'commune_code', 'commune_name', 'province_code', 'province_name', 'level_name']);
  expect(pub.with).toContain('    where located.province_code = $1\n)');
  // no core.units: an empty relation of the same shape stands in
  expect(pub.with).toContain('left join (select null::varchar as unit_id');
  const chart = registry.charts.find((c) => c.id === 'hs_xep_hang_truong')!;
  const sql = chartSql(chart, pub);
  expect(sql.slice(pub.with.length)).toBe(`
select
    "school_name" as category,
    (sum("count_pupils_female"))::double as m0,
    (sum("count_pupils") - sum("count_pupils_female"))::double as m1
from published
where period = (select max(period) from published)
group by "school_name"
order by sum("count_pupils_female") + sum("count_pupils") - sum("count_pupils_female") desc, "school_name"
limit 30`);
  expect(() => chartSql({ ...chart, by: 'full_name' }, pub)).toThrow('hoc_sinh_theo_truong_khoi has no column full_name');
  expect(() => publishedSql({ ...ds, schoolColumn: null }, cols, { tables: new Set() }, '19')).toThrow('cannot be scoped');
});

test('downloads: count columns suppressed (null in Parquet, x in CSV), by DuckDB COPY', () => {
  const ds = registry.datasets[0]!;
  const sql = copySql(ds, ['period', 'count_pupils'], '/s/data');
  expect(sql.parquet).toBe(`copy (select "period", case when "count_pupils" between 1 and 4 then null else "count_pupils" end as "count_pupils" from "marts"."mart_pupils_by_school_grade" order by all) to '/s/data/hoc_sinh_theo_truong_khoi.parquet' (format parquet, compression zstd)`);
  expect(sql.csv).toContain(`coalesce(case when "count_pupils" between 1 and 4 then null else "count_pupils" end::varchar, 'x') as "count_pupils"`);
});

test('the personal-data finder: names as word runs, ids as digit runs, dates in both spellings', () => {
  const v: PersonalValues = { codes: new Set(), dates: new Set(), names: new Set() };
  for (const x of ['Nguyễn Thị Lan', '012345678901', '2015-02-03', 'Ma Văn Hải']) addValue(v, x);
  expect(findPersonal('<td>Nguyễn Thị Lan</td>', v)).toEqual(['Nguyễn Thị Lan']);
  expect(findPersonal('Nguyễn Thị Lanh', v)).toEqual([]);
  expect(findPersonal('Nguye\u0302\u0303n Thị Lan', v)).toEqual(['Nguyễn Thị Lan']); // NFD in the file
  expect(findPersonal('id=012345678901;', v)).toEqual(['012345678901']);
  expect(findPersonal('1012345678901', v)).toEqual([]);
  expect(findPersonal('sinh 03/02/2015', v)).toEqual(['03/02/2015']);
  expect(findPersonal('"2015-02-03"', v)).toEqual(['2015-02-03']);
  expect(findPersonal('Trường Tiểu học Phan Đình Phùng số 1, 2.379 học sinh', v)).toEqual([]);
});

test('serve: paths stay inside the site', () => {
  const root = '/srv/site';
  expect(resolveRequest(root, '/bo/index.html')).toBe(join(root, 'bo', 'index.html'));
  expect(resolveRequest(root, '/')).toBe(root);
  expect(resolveRequest(root, '/../warehouse.duckdb')).toBe(join(root, 'warehouse.duckdb')); // URL parsing drops the ..
  expect(resolveRequest(root, '/bo/..%2f..%2fwarehouse.duckdb')).toBeNull();
  expect(resolveRequest(root, '/%2e%2e%2f%2e%2e%2fetc/passwd')).toBeNull();
  expect(resolveRequest(root, '/a%00b')).toBeNull();
  expect(resolveRequest(root, '/%E0%A4%A')).toBeNull();
});

test('indicator definitions are read from forms/indicators.json, targets in words', async () => {
  const { loadIndicatorDefinitions } = await import('../../dashboards/indicators.js');
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const file = join(mkdtempSync(join(tmpdir(), 'thongke-ind-')), 'indicators.json');
  expect(loadIndicatorDefinitions(file)).toBeNull(); // not written yet
  writeFileSync(file, JSON.stringify({ indicators: [{ code: 'QD4725.X', name: 'n', numerator: 'pupils', denominator: 'computers', unit: 'hs/máy', definition: 'd', regulation: 'QĐ 4725/QĐ-BGDĐT', targets: { direction: 'max', by_level: { '02': 3, '03': 2 } } }] }));
  expect(loadIndicatorDefinitions(file)).toEqual([{ code: 'QD4725.X', name: 'n', formula: 'd', numerator: 'pupils', denominator: 'computers', regulation: 'QĐ 4725/QĐ-BGDĐT', unit: 'hs/máy', targets: 'cấp 02: tối đa 3; cấp 03: tối đa 2' }]);
  writeFileSync(file, JSON.stringify({ indicators: [{ code: 'X' }] }));
  expect(() => loadIndicatorDefinitions(file)).toThrow('code and name');
  // the project's own file parses, every indicator with its circular
  for (const d of loadIndicatorDefinitions() ?? []) expect(d.regulation, d.code).toBeTruthy();
});

test('commune centroids: one province\'s communes, codes zero-padded, inside Viet Nam', async () => {
  const { communeCentroids } = await import('../../dashboards/commune-map.js');
  const hanoi = communeCentroids('01');
  expect(hanoi.length).toBe(126); // Hà Nội's communes and wards since 1/7/2025
  expect(hanoi.find((p) => p.code === '00004')?.name).toBe('Phường Ba Đình');
  for (const p of hanoi) expect(p.lat > 20 && p.lat < 22 && p.lon > 105 && p.lon < 106.5, p.name).toBe(true);
  expect(communeCentroids('99')).toEqual([]);
});

test('reasons lose quoted values, long digit runs and dates', async () => {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const con = await (await DuckDBInstance.create(':memory:')).connect();
  const reason = `mã định danh "001234567890" ở cột M trùng với dòng 12, sinh 03/02/2015, cũng là 2015-02-03 và 0123456789`;
  const out = (await con.runAndReadAll(`select ${reasonWithoutValueSql('r')} as v from (select $1 as r)`, [reason])).getRowObjects()[0]!.v;
  expect(out).toBe('mã định danh … ở cột M trùng với dòng 12, sinh …, cũng là … và …');
  con.closeSync();
});
