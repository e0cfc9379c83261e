// Where pupils are counted, through the whole SQL chain on a real DuckDB file: a code that two
// registry schools claim counts its pupils once (the school whose current code it is, then the
// lowest id) and a warning assertion names it; a province renamed after 1/7/2025 (Tỉnh → Thành phố
// Đồng Nai, 25/7/2026) is one row whichever version of a commune its schools sit in; GDTX's
// Khối 5/9/12 are last grades like general schools' 5/9/12, so its completion rate is computed.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Warehouse } from '../../warehouse/db.js';
import { RawRows } from '../helpers/raw-rows.js';

const NEW_YEAR = '2025-2026';
const OLD_YEAR = '2024-2025';
const raw = new RawRows();
const school = (code: string, previous: string | null, group = '06', commune = '04828') => ({
  school_code: code, school_name: `Trường ${code}`, school_group: group, ownership: '01', commune_code: commune, area: '04',
  sites: '1', is_active: '1', previous_code: previous, previous_commune_code: previous ? '04789' : null,
});
// X and Y both give X0000001 as their code before 1/7/2025; Z gives Y's current code as its own previous one
raw.file('csdl_truong', NEW_YEAR, null, [school('X0000002', 'X0000001'), school('Y0000002', 'X0000001'), school('Z0000002', 'Y0000002'), school('G0000002', 'G0000001', '20'),
  // Đồng Nai: commune 25270 (Xã → Phường Lộc Ninh) has a version from 25/7/2026, commune 25195 has not
  school('D0000001', null, '06', '25270'), school('D0000002', null, '06', '25195')]);
// a registry of the year before, still current, lists X's old code as a school of its own: the newer registry's claim wins
raw.file('csdl_truong', OLD_YEAR, null, [school('X0000001', null)]);
const pupil = (grade: string) => ({
  pupil_code: raw.next('P'), class_code: `${grade}A`, grade, gender: '01', ethnicity: '01', disability: null, status: '01', birth_date: '2015-01-01', full_name: 'Học sinh',
});
raw.file('hs_danh_sach', OLD_YEAR, 'X0000001', [pupil('01'), pupil('01'), pupil('01')]);
raw.file('hs_danh_sach', NEW_YEAR, 'Y0000002', [pupil('02'), pupil('02')]);
raw.file('hs_danh_sach', NEW_YEAR, 'D0000001', [pupil('03')]);
raw.file('hs_danh_sach', NEW_YEAR, 'D0000002', [pupil('03'), pupil('03')]);
// a GDTX centre's results: Khối 5 of GDTX (28): 4 pupils, 3 promoted; Khối 4 of GDTX (27): 2, not a last grade
const result = (grade: string, promoted: string) => ({ pupil_code: raw.next('R'), class_name: `${grade}A`, grade, status: '01', promoted, gender: '01', ethnicity: '01' });
raw.file('lop_ket_qua', OLD_YEAR, 'G0000001', [result('28', '1'), result('28', '1'), result('28', '1'), result('28', '0'), result('27', '1'), result('27', '0')]);

let warehouse: Awaited<ReturnType<RawRows['transformed']>>;
let wh: Warehouse;

beforeAll(async () => {
  warehouse = await raw.transformed('thongke-school-codes-');
  wh = warehouse.wh;
}, 120_000);

afterAll(() => warehouse?.close());

test('every code belongs to one school: the one whose current code it is, then the lowest id', async () => {
  const codes = await wh.rows<{ code: string; school_id: string; code_kind: string }>('select code, school_id, code_kind from core.school_codes order by code');
  expect(codes).toEqual([
    { code: 'D0000001', school_id: 'D0000001', code_kind: 'registry' },
    { code: 'D0000002', school_id: 'D0000002', code_kind: 'registry' },
    { code: 'G0000001', school_id: 'G0000002', code_kind: 'previous' },
    { code: 'G0000002', school_id: 'G0000002', code_kind: 'registry' },
    { code: 'X0000001', school_id: 'X0000002', code_kind: 'previous' },
    { code: 'X0000002', school_id: 'X0000002', code_kind: 'registry' },
    { code: 'Y0000002', school_id: 'Y0000002', code_kind: 'registry' },
    { code: 'Z0000002', school_id: 'Z0000002', code_kind: 'registry' },
  ]);
});

test('pupils under a shared code count once', async () => {
  const byYear = await wh.rows<{ period: string; pupils: number }>('select period, sum(count_pupils)::int as pupils from marts.mart_pupils_by_school_grade group by period order by period');
  expect(byYear).toEqual([{ period: OLD_YEAR, pupils: 3 }, { period: NEW_YEAR, pupils: 5 }]);
  const province = await wh.rows<{ period: string; pupils: number }>(`select period, count_pupils::int as pupils from marts.mart_network_report
    where geography = 'new' and unit_level = 'province' and province_code = '25' and level_code = '*' and ownership_group = '*' and area_code = '*' order by period`);
  expect(province).toEqual([{ period: OLD_YEAR, pupils: 3 }, { period: NEW_YEAR, pupils: 2 }]);
});

test('a province renamed after 1/7/2025 is one row, under its newest name', async () => {
  const rows = await wh.rows<{ unit_level: string; unit_code: string; unit_name: string; schools: number; pupils: number }>(`select unit_level, unit_code, unit_name,
      count_schools::int as schools, count_pupils::int as pupils
    from marts.mart_network_report
    where geography = 'new' and province_code = '75' and period = '${NEW_YEAR}' and level_code = '*' and ownership_group = '*' and area_code = '*'
    order by unit_level desc, unit_code`);
  expect(rows).toEqual([
    { unit_level: 'province', unit_code: '75', unit_name: 'Thành phố Đồng Nai', schools: 2, pupils: 3 },
    { unit_level: 'commune', unit_code: '25195', unit_name: expect.any(String), schools: 1, pupils: 2 },
    { unit_level: 'commune', unit_code: '25270', unit_name: 'Phường Lộc Ninh', schools: 1, pupils: 1 },
  ]);
  const names = await wh.rows<{ province_name: string }>(`select distinct province_name from marts.mart_network_report where province_code = '75' and geography = 'new'`);
  expect(names).toEqual([{ province_name: 'Thành phố Đồng Nai' }]);
});

test('the warning assertion names the shared codes and the schools claiming them', async () => {
  const [r] = await wh.rows<{ status: string; failing_rows: number; sample: string }>(
    "select status, failing_rows::int as failing_rows, sample from ops.assertion_results where assertion = 'school_codes_claimed_once' order by finished_at desc limit 1");
  expect(r!.status).toBe('fail');
  expect(r!.failing_rows).toBe(2);
  expect(r!.sample).toContain('X0000002, Y0000002');
  expect(r!.sample).toContain('Y0000002, Z0000002');
});

test('last grades: Khối 5, 9, 12 in general schools and in GDTX', async () => {
  const last = await wh.rows<{ grade_code: string }>('select grade_code from staging.stg_codes__khoi where is_last_grade order by grade_code');
  expect(last.map((r) => r.grade_code)).toEqual(['05', '09', '12', '15', '23', '28']);
  const [c] = await wh.rows<{ numerator: number; denominator: number; value: number }>(`select numerator::int as numerator, denominator::int as denominator, value::double as value
    from marts.mart_indicators where indicator_code = 'TK_TY_LE_HOAN_THANH' and geography = 'new' and unit_level = 'province' and level_code = '05' and period = '${OLD_YEAR}'`);
  expect(c).toEqual({ numerator: 3, denominator: 4, value: 75 });
});
