// The "counts add up" assertions (marts against core.pupils) on hand-made models: they pass when
// the marts are the sums of core, and a pupil missing from a mart is caught on the right rows.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openWarehouse, type Warehouse } from '../../warehouse/db.js';
import { runTransforms, transformsDir } from '../../transforms/runner.js';

let home: string;
let wh: Warehouse;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'thongke-adds-up-'));
  wh = await openWarehouse(join(home, 'warehouse.duckdb'));
});

afterAll(() => {
  wh.close();
  rmSync(home, { recursive: true, force: true });
});

// six pupils: period, level, female, enrolled
const PUPILS = `select * from (values
    ('2024-2025', '02', true, true), ('2024-2025', '02', false, true), ('2024-2025', '02', true, false),
    ('2024-2025', '03', true, true), ('2025-2026', '02', false, true), ('2025-2026', '03', true, true)
) as t (period, level_code, is_female, is_enrolled)`;

function folder(dropOne: boolean): string {
  const dir = mkdtempSync(join(home, 'transforms-'));
  for (const d of ['core', 'marts', 'assertions']) mkdirSync(join(dir, d));
  writeFileSync(join(dir, 'core', 'pupils.sql'), `select *, false as is_ethnic_minority from (${PUPILS})`);
  // the marts count core; `dropOne` loses the last enrolled 2025-26 pupil in both
  const enrolled = `select * from core.pupils where is_enrolled ${dropOne ? "and not (period = '2025-2026' and level_code = '03')" : ''}`;
  writeFileSync(join(dir, 'marts', 'mart_pupils_by_school_grade.sql'), `select period, count(*) as count_pupils, count(*) filter (where is_female) as count_pupils_female, 0 as count_pupils_ethnic_minority from (${enrolled}) group by period`);
  writeFileSync(join(dir, 'marts', 'mart_network_report.sql'), `
    select period, g.geography, 'province' as unit_level, coalesce(level_code, '*') as level_code, '*' as ownership_group, '*' as area_code,
        count(*) as count_pupils, count(*) filter (where is_female) as count_pupils_female
    from (${enrolled}) as p
    cross join (values ('old'), ('new')) as g (geography)
    group by grouping sets ((period, geography, level_code), (period, geography))
    union all
    -- a part (public, one area): not summed again
    select '2024-2025', 'new', 'province', '02', 'public', '1', 100, 100`);
  for (const a of ['pupils_by_school_grade_adds_up', 'network_report_adds_up']) copyFileSync(join(transformsDir, 'assertions', `${a}.sql`), join(dir, 'assertions', `${a}.sql`));
  return dir;
}

async function results(runId: string) {
  return wh.rowsJson('select assertion, status, failing_rows, sample from ops.assertion_results where run_id = $1 order by assertion', [runId]);
}

test('marts that are the sums of core pass', async () => {
  const run = await runTransforms(wh, { dir: folder(false), reference: false });
  expect((await results(run.runId)).map((r) => [r.assertion, r.status, r.failing_rows])).toEqual([
    ['network_report_adds_up', 'pass', '0'],
    ['pupils_by_school_grade_adds_up', 'pass', '0'],
  ]);
});

test('a pupil lost on the way is caught on its period (and level, on both geographies)', async () => {
  const run = await runTransforms(wh, { dir: folder(true), reference: false });
  const [network, grade] = await results(run.runId);
  expect(network).toMatchObject({ status: 'fail', failing_rows: '2' });
  expect(JSON.parse(network!.sample as string)).toEqual(expect.arrayContaining([
    { period: '2025-2026', geography: 'old', level_code: '03', mart_pupils: null, core_pupils: '1', mart_pupils_female: null, core_pupils_female: '1' },
    { period: '2025-2026', geography: 'new', level_code: '03', mart_pupils: null, core_pupils: '1', mart_pupils_female: null, core_pupils_female: '1' },
  ]));
  expect(grade).toMatchObject({ status: 'fail', failing_rows: '1' });
  expect(JSON.parse(grade!.sample as string)).toEqual([
    { period: '2025-2026', mart_pupils: '1', core_pupils: '2', mart_pupils_female: '0', core_pupils_female: '1', mart_pupils_ethnic_minority: '0', core_pupils_ethnic_minority: '0' },
  ]);
});
