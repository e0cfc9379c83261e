// Every indicator of forms/indicators.json, computed by the whole SQL chain (raw rows of current
// files → staging → core → marts) on a real DuckDB file, against values worked out by hand from
// two schools' rows written below. A new indicator without an expected value here fails the test.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Warehouse } from '../../warehouse/db.js';
import { listIndicators } from '../../warehouse/indicators.js';
import { RawRows } from '../helpers/raw-rows.js';

// Two schools of new commune 04828 (Tỉnh Phú Thọ, 25), before 1/7/2025 in old commune 04789
// (district 148 of Hòa Bình, 17):
//   A: primary (group 06, level 02), public; code A0000001 before 2025, A0000002 after.
//   B: lower secondary (group 07, level 03), private (09).
const NEW_YEAR = '2025-2026';
const OLD_YEAR = '2024-2025';
const raw = new RawRows();
const file = raw.file.bind(raw);

const pupil = (grade: string, cls: string, female: boolean, o: { em?: boolean; disability?: boolean; status?: string } = {}) => ({
  pupil_code: raw.next('P'), class_code: cls, grade, gender: female ? '02' : '01', ethnicity: o.em ? '02' : '01',
  disability: o.disability ? '01' : null, status: o.status ?? '01', birth_date: '2015-01-01', full_name: 'Học sinh',
});

// the registry (2025-26): both schools with their codes and communes before 1/7/2025
file('csdl_truong', NEW_YEAR, null, [
  { school_code: 'A0000002', school_name: 'Trường A', school_group: '06', ownership: '01', commune_code: '04828', area: '04', sites: '2', is_active: '1', previous_code: 'A0000001', previous_commune_code: '04789' },
  { school_code: 'B0000002', school_name: 'Trường B', school_group: '07', ownership: '09', commune_code: '04828', area: '04', sites: '1', is_active: '1', previous_code: 'B0000001', previous_commune_code: '04789' },
]);
// A, 2025-26: grade 1 in 1A: 6 enrolled (4 girls, 2 ethnic minority, 1 disabled) + 1 dropout;
// grade 5 in 5A and 5B: 4 enrolled (1 girl) → level 02: 10 pupils, 5 girls, 3 classes
file('hs_danh_sach', NEW_YEAR, 'A0000002', [
  pupil('01', '1A', true, { em: true }), pupil('01', '1A', true, { em: true }), pupil('01', '1A', true, { disability: true }),
  pupil('01', '1A', true), pupil('01', '1A', false), pupil('01', '1A', false), pupil('01', '1A', true, { status: '05' }),
  pupil('05', '5A', true), pupil('05', '5A', false), pupil('05', '5B', false), pupil('05', '5B', false),
]);
// B, 2025-26: grade 6 in 6A: 5 enrolled, 3 girls → level 03: 5 pupils, 1 class, all non-public
file('hs_danh_sach', NEW_YEAR, 'B0000002', [
  pupil('06', '6A', true), pupil('06', '6A', true), pupil('06', '6A', true), pupil('06', '6A', false), pupil('06', '6A', false),
]);
// A's staff: 2 working teachers, 1 retired teacher, 1 manager, 1 employee
file('can_bo', NEW_YEAR, 'A0000002', [
  { staff_code: 'G1', staff_group: '03', gender: '02', ethnicity: '01', staff_status: '01' },
  { staff_code: 'G2', staff_group: '03', gender: '01', ethnicity: '01', staff_status: '01' },
  { staff_code: 'G3', staff_group: '03', gender: '01', ethnicity: '01', staff_status: '05' },
  { staff_code: 'Q1', staff_group: '01', gender: '01', ethnicity: '01', staff_status: '01' },
  { staff_code: 'N1', staff_group: '02', gender: '02', ethnicity: '01', staff_status: '01' },
]);
// A's results of 2024-25, under its old code: grade 5 (the last of primary), 10 pupils:
// 8 promoted, 1 not promoted, 1 dropped out
file('lop_ket_qua', OLD_YEAR, 'A0000001', [
  ...Array.from({ length: 8 }, (_, i) => ({ pupil_code: `R${i}`, class_name: '5A', grade: '05', status: '01', promoted: '1', gender: '01', ethnicity: '01' })),
  { pupil_code: 'R8', class_name: '5A', grade: '05', status: '01', promoted: '0', gender: '01', ethnicity: '01' },
  { pupil_code: 'R9', class_name: '5A', grade: '05', status: '05', promoted: null, gender: '01', ethnicity: '01' },
]);
// B's graduation list: 4 considered, 3 graduated
file('tot_nghiep', NEW_YEAR, 'B0000002', ['1', '1', '1', '0'].map((g, i) => ({ pupil_code: `T${i}`, class_code: '9A', graduated: g, gender: '01', ethnicity: '01' })));
// computers for teaching: A 4, B 5
file('may_tinh_truong', NEW_YEAR, null, [
  { school_code: 'A0000002', computers_teaching: '4' },
  { school_code: 'B0000002', computers_teaching: '5' },
]);
// device needs: A needs 4, handed over 3
file('may_tinh_nhu_cau', NEW_YEAR, null, [{ school_code: 'A0000002', category: '01', pupils_needing_device: '4', pupils_needing_sim: '0', devices_received: '4', devices_handed_over: '3' }]);
// A's handovers: the same day (a loan), the next day, two days later, the same day
file('may_tinh_cho_em', NEW_YEAR, 'A0000002', [
  { pupil_code: 'D1', handover_mode: '2', device_type: '01', category: '01', delivered_on: '2025-10-01', handed_over_on: '2025-10-01' },
  { pupil_code: 'D2', handover_mode: '1', device_type: '01', category: '01', delivered_on: '2025-10-01', handed_over_on: '2025-10-02' },
  { pupil_code: 'D3', handover_mode: '1', device_type: '01', category: '01', delivered_on: '2025-10-01', handed_over_on: '2025-10-03' },
  { pupil_code: 'D4', handover_mode: '1', device_type: '01', category: '01', delivered_on: '2025-10-05', handed_over_on: '2025-10-05' },
]);
// B's vaccinations: MR dose 1 for 4 of its 5 pupils
file('tiem_chung', NEW_YEAR, 'B0000002', Array.from({ length: 4 }, (_, i) => ({ pupil_code: `V${i}`, vaccine: 'MR', dose: '1', vaccinated_on: '2025-11-01' })));

// Worked out by hand from the rows above: [period, level, numerator, denominator, value, target?, meets?]
type Expected = [string, string, number, number, number, number?, boolean?];
const EXPECTED: Record<string, Expected[]> = {
  // pupils ÷ classes: A 10 in 3 classes, B 5 in 1
  '2106.HS_LOP': [[NEW_YEAR, '*', 15, 4, 3.75], [NEW_YEAR, '02', 10, 3, 3.33], [NEW_YEAR, '03', 5, 1, 5]],
  // pupils of schools with a staff list (A: 10) ÷ working teachers (2)
  '2106.HS_GV': [[NEW_YEAR, '*', 10, 2, 5], [NEW_YEAR, '02', 10, 2, 5]],
  'TK_TY_LE_NU': [[NEW_YEAR, '*', 8, 15, 53.33], [NEW_YEAR, '02', 5, 10, 50], [NEW_YEAR, '03', 3, 5, 60]],
  'TK_TY_LE_DTTS': [[NEW_YEAR, '*', 2, 15, 13.33], [NEW_YEAR, '02', 2, 10, 20], [NEW_YEAR, '03', 0, 5, 0]],
  'TK_TY_LE_KHUYET_TAT': [[NEW_YEAR, '*', 1, 15, 6.67], [NEW_YEAR, '02', 1, 10, 10], [NEW_YEAR, '03', 0, 5, 0]],
  'TK_TY_LE_HS_NCL': [[NEW_YEAR, '*', 5, 15, 33.33], [NEW_YEAR, '02', 0, 10, 0], [NEW_YEAR, '03', 5, 5, 100]],
  // schools that reported in the period: in 2024-25 only A (its results list)
  'TK_TY_LE_TRUONG_NCL': [[OLD_YEAR, '*', 0, 1, 0], [OLD_YEAR, '02', 0, 1, 0], [NEW_YEAR, '*', 1, 2, 50], [NEW_YEAR, '02', 0, 1, 0], [NEW_YEAR, '03', 1, 1, 100]],
  'TK_TY_LE_LEN_LOP': [[OLD_YEAR, '*', 8, 10, 80], [OLD_YEAR, '02', 8, 10, 80]],
  'TK_TY_LE_LUU_BAN': [[OLD_YEAR, '*', 1, 10, 10], [OLD_YEAR, '02', 1, 10, 10]],
  'TK_TY_LE_BO_HOC': [[OLD_YEAR, '*', 1, 10, 10], [OLD_YEAR, '02', 1, 10, 10]],
  'TK_TY_LE_HOAN_THANH': [[OLD_YEAR, '*', 8, 10, 80], [OLD_YEAR, '02', 8, 10, 80]],
  'TK_TY_LE_TOT_NGHIEP': [[NEW_YEAR, '*', 3, 4, 75], [NEW_YEAR, '03', 3, 4, 75]],
  // QĐ 4725: primary 10 ÷ 4 = 2.5 (target at most 3: met), THCS 5 ÷ 5 = 1 (at most 2: met)
  'QD4725.HS_MAY_TINH': [[NEW_YEAR, '*', 15, 9, 1.67], [NEW_YEAR, '02', 10, 4, 2.5, 3, true], [NEW_YEAR, '03', 5, 5, 1, 2, true]],
  'TK_TY_LE_NHAN_THIET_BI': [[NEW_YEAR, '*', 3, 4, 75], [NEW_YEAR, '02', 3, 4, 75]],
  // handed over within a day: 3 of 4 (target 100 %: not met)
  'TK_TY_LE_TRAO_TRONG_1_NGAY': [[NEW_YEAR, '*', 3, 4, 75, 100, false], [NEW_YEAR, '02', 3, 4, 75]],
  'TK_TY_LE_CHO_MUON': [[NEW_YEAR, '*', 1, 4, 25], [NEW_YEAR, '02', 1, 4, 25]],
};

let warehouse: Awaited<ReturnType<RawRows['transformed']>>;
let wh: Warehouse;

beforeAll(async () => {
  warehouse = await raw.transformed('thongke-indicators-');
  wh = warehouse.wh;
}, 120_000);

afterAll(() => warehouse?.close());

describe('indicators, by hand', () => {
  test('every indicator of forms/indicators.json has hand-computed values here', () => {
    expect(listIndicators().map((i) => i.code).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [code, cases] of Object.entries(EXPECTED)) {
    test(code, async () => {
      for (const geography of [['new', 'province', '25'], ['new', 'commune', '04828'], ['old', 'province', '17'], ['old', 'district', '148']]) {
        const got = await wh.rowsJson(
          `select period, level_code, numerator::double as numerator, denominator::double as denominator, value::double as value, target::double as target, meets_target
           from marts.mart_indicators where indicator_code = $1 and geography = $2 and unit_level = $3 and unit_code = $4 order by period, level_code`, [code, ...geography]);
        const want = cases.map(([period, level, num, den, value, target, meets]) => ({
          period, level_code: level, numerator: num, denominator: den, value, target: target ?? null, meets_target: meets ?? null,
        }));
        // levels with no denominator have no row; the expected list names every row there is
        expect(got, `${code} on ${geography.join('/')}`).toEqual(want);
      }
    });
  }

  test('vaccination coverage: MR dose 1 for 4 of the 5 pupils of the school that sent a list', async () => {
    const got = await wh.rowsJson(`select vaccine_code, dose, count_pupils::integer as pupils, count_vaccinated::integer as vaccinated, coverage_pct::double as pct
      from marts.mart_vaccination_coverage where geography = 'new' and unit_level = 'province'`);
    expect(got).toEqual([{ vaccine_code: 'MR', dose: 1, pupils: 5, vaccinated: 4, pct: 80 }]);
  });

  test('programme devices: A needs 4, 3 handed over, 1 left; of its 4 handovers 3 within a day, 1 a loan', async () => {
    const got = await wh.rowsJson(`select period, level_code, count_pupils_needing_device::integer as needing, count_devices_handed_over::integer as handed_over,
        count_remaining_need::integer as remaining, count_handovers::integer as handovers, count_handovers_within_1_day::integer as within_1_day,
        count_handovers_loan::integer as loans
      from marts.mart_programme_devices where geography = 'old' and unit_level = 'district' and unit_code = '148' order by level_code`);
    expect(got).toEqual([
      { period: NEW_YEAR, level_code: '*', needing: 4, handed_over: 3, remaining: 1, handovers: 4, within_1_day: 3, loans: 1 },
      { period: NEW_YEAR, level_code: '02', needing: 4, handed_over: 3, remaining: 1, handovers: 4, within_1_day: 3, loans: 1 },
    ]);
  });

  test('computer ratios against QĐ 4725: primary 10 pupils on 4 computers (≤ 3: met), THCS 5 on 5 (≤ 2: met)', async () => {
    const got = await wh.rowsJson(`select level_code, count_pupils::integer as pupils, count_computers::integer as computers, pupils_per_computer::double as ratio,
        target_pupils_per_computer::double as target, meets_target
      from marts.mart_computer_ratios where geography = 'new' and unit_level = 'commune' and unit_code = '04828' order by level_code`);
    expect(got).toEqual([
      { level_code: '*', pupils: 15, computers: 9, ratio: 1.67, target: null, meets_target: null },
      { level_code: '02', pupils: 10, computers: 4, ratio: 2.5, target: 3, meets_target: true },
      { level_code: '03', pupils: 5, computers: 5, ratio: 1, target: 2, meets_target: true },
    ]);
  });

  test('the network report counts the same schools, classes, pupils and staff', async () => {
    const got = await wh.rowsJson(`select level_code, count_schools::integer as schools, count_sites::integer as sites, count_classes::integer as classes,
        count_pupils::integer as pupils, count_staff::integer as staff, count_teachers::integer as teachers, count_managers::integer as managers
      from marts.mart_network_report
      where period = '${NEW_YEAR}' and geography = 'new' and unit_level = 'commune' and ownership_group = '*' and area_code = '*' order by level_code`);
    expect(got).toEqual([
      { level_code: '*', schools: 2, sites: 3, classes: 4, pupils: 15, staff: 4, teachers: 2, managers: 1 },
      { level_code: '02', schools: 1, sites: 2, classes: 3, pupils: 10, staff: 4, teachers: 2, managers: 1 },
      { level_code: '03', schools: 1, sites: 1, classes: 1, pupils: 5, staff: 0, teachers: 0, managers: 0 },
    ]);
  });
});
