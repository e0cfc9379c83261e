// The reality check (transforms/assertions/reality_network_ratios.sql) on a hand-made network
// report: the GSO ranges are recomputed here from the vendored CSV in TypeScript, and provinces
// just inside and just outside them are flagged or not.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openWarehouse, type Warehouse } from '../../warehouse/db.js';
import { loadGsoReference } from '../../warehouse/gso.js';
import { referenceDir } from '../../warehouse/reference.js';
import { parseCsv } from '../../forms/csv.js';
import { runTransforms, transformsDir } from '../../transforms/runner.js';

let home: string;
let wh: Warehouse;

/** lowest and highest province ratio per level, from the CSV */
function gsoRanges(): Record<string, Record<string, [number, number]>> {
  const rows = parseCsv(readFileSync(join(referenceDir, 'gso', 'gso_general_education_by_province_2002_2016.csv'), 'utf8'));
  const by = new Map<string, Record<string, number>>();
  for (const r of rows) {
    if (r.area_kind !== 'province' || !['primary', 'lower_secondary', 'upper_secondary'].includes(r.level!) || r.value === '') continue;
    const k = `${r.province_code_pre2025}|${r.school_year}|${r.level}`;
    const o = by.get(k) ?? {};
    o[r.metric!] = (o[r.metric!] ?? 0) + Number(r.value);
    by.set(k, o);
  }
  const out: Record<string, Record<string, [number, number]>> = {};
  const add = (level: string, ratio: string, v: number) => {
    const l = (out[level] ??= {});
    const cur = l[ratio];
    l[ratio] = cur ? [Math.min(cur[0], v), Math.max(cur[1], v)] : [v, v];
  };
  for (const [k, o] of by) {
    const level = k.split('|')[2]!;
    if (o.classes && o.pupils !== undefined) add(level, 'pupils_per_class', o.pupils / o.classes);
    if (o.teachers_direct_teaching && o.pupils !== undefined) add(level, 'pupils_per_teacher', o.pupils / o.teachers_direct_teaching);
    if (o.pupils && o.pupils_female !== undefined) add(level, 'female_share', o.pupils_female / o.pupils);
  }
  return out;
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'thongke-reality-'));
  wh = await openWarehouse(join(home, 'warehouse.duckdb'));
  await loadGsoReference(wh);
});

afterAll(() => {
  wh.close();
  rmSync(home, { recursive: true, force: true });
});

test('provinces outside the GSO ranges are flagged, those inside are not; parts and communes are not compared', async () => {
  const r = gsoRanges();
  const primary = r.primary!;
  // sanity of the recomputation: the national primary ratio of 2010-11 (ratio_checks.csv) lies inside
  expect(primary.pupils_per_class![0]).toBeLessThan(25.85);
  expect(primary.pupils_per_class![1]).toBeGreaterThan(25.85);

  // a province exactly on the lowest pupils per class (1000 classes)
  const low = primary.pupils_per_class![0];
  const okPupils = Math.round(low * 1000) + 1;
  const teachersFor = (pupils: number) => Math.round(pupils / ((primary.pupils_per_teacher![0] + primary.pupils_per_teacher![1]) / 2));
  const femaleFor = (pupils: number) => Math.round(pupils * ((primary.female_share![0] + primary.female_share![1]) / 2));
  const row = (unitLevel: string, code: string, ownership: string, pupils: number, classes: number, teachers: number, female: number) =>
    `('2025-2026', 'new', '${unitLevel}', '${code}', 'Đơn vị ${code}', '02', '${ownership}', '${ownership === '*' ? '*' : '1'}', ${pupils}, ${classes}, ${teachers}, ${female})`;
  const rows = [
    // inside on every ratio, all ownerships together; its non-public part is far outside but not compared
    row('province', '01', '*', okPupils, 1000, teachersFor(okPupils), femaleFor(okPupils)),
    row('province', '01', 'non_public', 10, 5, 5, 0),
    // one pupil per class too few
    row('province', '02', '*', okPupils - 2000, 1000, teachersFor(okPupils - 2000), femaleFor(okPupils - 2000)),
    // more pupils per teacher than any province ever had
    row('province', '03', '*', okPupils, 1000, Math.floor(okPupils / primary.pupils_per_teacher![1]) - 10, femaleFor(okPupils)),
    // female share above the highest
    row('province', '04', '*', okPupils, 1000, teachersFor(okPupils), Math.ceil(okPupils * primary.female_share![1]) + 5),
    // a commune far outside: not compared
    row('commune', '00001', '*', 5, 5, 5, 5),
  ];
  const dir = mkdtempSync(join(home, 'transforms-'));
  mkdirSync(join(dir, 'marts'));
  mkdirSync(join(dir, 'assertions'));
  writeFileSync(join(dir, 'marts', 'mart_network_report.sql'), `select * from (values\n${rows.join(',\n')}\n) as t (period, geography, unit_level, unit_code, unit_name, level_code, ownership_group, area_code, count_pupils, count_classes, count_teachers, count_pupils_female)`);
  copyFileSync(join(transformsDir, 'assertions', 'reality_network_ratios.sql'), join(dir, 'assertions', 'reality_network_ratios.sql'));

  const run = await runTransforms(wh, { dir, reference: false });
  const [result] = await wh.rowsJson(`select severity, status, failing_rows, sample from ops.assertion_results where run_id = $1`, [run.runId]);
  expect(result).toMatchObject({ severity: 'warning', status: 'fail', failing_rows: '3' });
  const flagged = (JSON.parse(result!.sample as string) as { unit_code: string; ratio: string }[]).map((x) => [x.unit_code, x.ratio]);
  expect(flagged).toEqual([['02', 'pupils_per_class'], ['03', 'pupils_per_teacher'], ['04', 'female_share']]);
  // a warning: the mart is built all the same
  expect(run.models).toEqual([{ model: 'marts.mart_network_report', rows: 6, status: 'built', blockedBy: [] }]);
});
