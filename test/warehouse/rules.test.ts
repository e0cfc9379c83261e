// The validation rules of forms/rules, each on a real DuckDB file with a few hand-made rows; the
// expected findings are worked out by hand in the comments.
import { afterEach, beforeEach, expect, test } from 'vitest';
import { join } from 'node:path';
import { openWarehouse, type Warehouse } from '../../warehouse/db.js';
import { applyFileRules, fillMessage, listRules, parseRule, runWarehouseRules } from '../../warehouse/rules.js';
import { formColumnNames } from '../../forms/layout.js';
import { GRID_COLUMNS } from '../../forms/grids.js';
import { tempHome } from '../helpers/env.js';

let home: string;
let wh: Warehouse;

beforeEach(async () => {
  home = tempHome('rules-');
  wh = await openWarehouse(join(home, 'warehouse.duckdb'));
});

afterEach(() => wh.close());

const sha = (n: number) => String(n).padStart(64, '0');

async function file(n: number, form: string, period: string, school: string | null, current = true): Promise<string> {
  await wh.run(
    `insert into ops.files (file_sha256, file_name, form, period, school_code, status, is_current, rows_read, rows_accepted, rows_rejected, rows_ignored, raw_path, load_seq)
     values ($1, $2, $3, $4, $5, $6, $7, 0, 0, 0, 0, 'lake/raw/none.xlsx', nextval('ops.load_seq'))`,
    [sha(n), `${form}_${n}.xlsx`, form, period, school, current ? 'loaded' : 'superseded', current],
  );
  return sha(n);
}

/** Rows into raw.<form>: lineage (file, sheet Sheet1, row from 8 on) plus the given columns. */
async function rows(form: string, fileSha: string, records: Record<string, string | null>[]): Promise<void> {
  const known = form.endsWith('_nam') ? [...GRID_COLUMNS] : formColumnNames(form);
  for (const [i, r] of records.entries()) {
    const rec: Record<string, string | null> = { file_sha256: fileSha, sheet: 'Sheet1', row_number: String(8 + i), ...r };
    for (const k of Object.keys(rec)) if (!known.includes(k)) throw new Error(`${form} has no column ${k}`);
    const keys = Object.keys(rec);
    await wh.run(`insert into raw.${form} (${keys.map((k) => `"${k}"`).join(', ')}) values (${keys.map((_, j) => `$${j + 1}`).join(', ')})`, keys.map((k) => rec[k]!));
  }
}

const findings = (code: string) => wh.rowsJson(
  `select file_sha256, sheet, row_number, column_header, value, reason, severity from ops.rejects where code = $1 order by file_sha256, row_number`, [code],
) as Promise<{ file_sha256: string; sheet: string; row_number: number | null; column_header: string | null; value: string | null; reason: string; severity: string }[]>;

test('every rule file parses; codes are file names; the header is required', () => {
  const rules = listRules();
  expect(rules.map((r) => r.code)).toEqual(expect.arrayContaining(['impossible_age', 'handover_before_delivery', 'handover_late', 'loaned_device_counted_owned', 'pupil_in_two_schools', 'same_name_birth_two_schools', 'pupils_list_vs_return', 'pupil_count_outlier']));
  for (const r of rules) {
    expect(r.message).toMatch(/[àáảãạăâđèéêìíòóôơùúưỳý]/); // Vietnamese
    expect(r.regulation.length).toBeGreaterThan(5);
  }
  expect(() => parseRule('-- code: x\n-- severity: fatal\nselect 1', 'x.sql')).toThrow(/title|severity/);
  expect(() => parseRule('-- code: y\nselect 1', 'x.sql')).toThrow(/file's name/);
  expect(fillMessage('{a} và {b}, {c}', { a: 2021, b: 12345, c: null })).toBe('2021 và 12.345, –');
});

test('impossible_age: age from the school year and birth date, against the grade', async () => {
  const f = await file(1, 'hs_danh_sach', '2024-2025', 'S1');
  await rows('hs_danh_sach', f, [
    { school_year: '2024-2025', grade: '01', birth_date: '2018-03-01' }, // 6: fine
    { school_year: '2024-2025', grade: '01', birth_date: '2022-03-01' }, // 2 < 5: warning
    { school_year: '2024-2025', grade: '05', birth_date: '2010-01-01' }, // 14 ≤ 15: fine
    { school_year: '2024-2025', grade: '05', birth_date: '2008-01-01' }, // 16 > 15: warning
    { school_year: '2024-2025', grade: '16', birth_date: '2022-05-01' }, // nhà trẻ, 2: fine
    { school_year: '2024-2025', grade: '17', birth_date: '2023-05-01' }, // mẫu giáo, 1 < 2: warning
    { school_year: '2024-2025', grade: '01', birth_date: null }, // no date: nothing to say
  ]);
  const r = await applyFileRules(wh, home, [{ sha256: f, form: 'hs_danh_sach' }]);
  expect(r.rejectedRows.size).toBe(0);
  const got = await findings('impossible_age');
  expect(got.map((x) => [x.row_number, x.value, x.severity])).toEqual([[9, '2022-03-01', 'warning'], [11, '2008-01-01', 'warning'], [13, '2023-05-01', 'warning']]);
  expect(got[0]!.reason).toContain('2 tuổi');
  expect(got[0]!.reason).toContain('5–11 tuổi');
  expect(got[0]!.column_header).toBe('Ngày sinh');
  // warnings keep the rows
  expect((await wh.rowsJson('select count(*)::integer as n from raw.hs_danh_sach'))[0]!.n).toBe(7);
});

test('device handover: before delivery is an error that removes the row; more than a day late a warning', async () => {
  const f = await file(2, 'may_tinh_cho_em', '2025-2026', 'S1');
  await rows('may_tinh_cho_em', f, [
    { handover_mode: '1', device_type: '01', delivered_on: '2025-10-01', handed_over_on: '2025-10-02' }, // 1 day: fine
    { handover_mode: '1', device_type: '01', delivered_on: '2025-10-01', handed_over_on: '2025-10-04' }, // 3 days: warning
    { handover_mode: '2', device_type: '02', delivered_on: '2025-10-05', handed_over_on: '2025-10-03' }, // before: error
  ]);
  const r = await applyFileRules(wh, home, [{ sha256: f, form: 'may_tinh_cho_em' }]);
  expect([...r.rejectedRows]).toEqual([[f, 1]]);
  expect((await findings('handover_late')).map((x) => [x.row_number, x.value])).toEqual([[9, '04/10/2025']]);
  expect((await findings('handover_late'))[0]!.reason).toContain('sau 3 ngày');
  const before = await findings('handover_before_delivery');
  expect(before.map((x) => [x.row_number, x.severity, x.column_header])).toEqual([[10, 'error', 'Ngày bàn giao cho học sinh']]);
  expect(before[0]!.reason).toMatch(/^Tệp may_tinh_cho_em_2\.xlsx, trang "Sheet1", dòng 10, cột "Ngày bàn giao cho học sinh": ngày bàn giao/);
  // the rejected row is gone from raw, the others stay
  expect((await wh.rowsJson('select row_number from raw.may_tinh_cho_em order by 1')).map((x) => x.row_number)).toEqual(['8', '9']);
});

test('loaned devices: handed-over count above the given devices, with loans in the list, is a warning', async () => {
  const list = await file(3, 'may_tinh_cho_em', '2025-2026', 'S1');
  // S1 category 01: 2 given computers, 1 loaned, 1 SIM (not a computer)
  await rows('may_tinh_cho_em', list, [
    { category: '01', handover_mode: '1', device_type: '01' },
    { category: '01', handover_mode: '1', device_type: '02' },
    { category: '01', handover_mode: '2', device_type: '01' },
    { category: '01', handover_mode: '1', device_type: '04' },
  ]);
  const needs = await file(4, 'may_tinh_nhu_cau', '2025-2026', null);
  await rows('may_tinh_nhu_cau', needs, [
    { school_code: 'S1', category: '01', devices_handed_over: '3' }, // 3 > 2 given, 1 loaned: warning
    { school_code: 'S1', category: '02', devices_handed_over: '5' }, // no list rows for 02: nothing
    { school_code: 'S2', category: '01', devices_handed_over: '9' }, // S2 sent no list: nothing
  ]);
  await runWarehouseRules(wh, home);
  const got = await findings('loaned_device_counted_owned');
  expect(got.map((x) => [x.file_sha256, x.row_number, x.value])).toEqual([[needs, 8, '3']]);
  expect(got[0]!.reason).toContain('chỉ có 2 máy tặng (và 1 máy cho mượn)');
});

test('the same personal id in two schools in one period: a warning on both rows; other periods and superseded files do not count', async () => {
  const a = await file(5, 'hs_danh_sach', '2025-2026', 'A');
  const b = await file(6, 'hs_danh_sach', '2025-2026', 'B');
  const old = await file(7, 'hs_danh_sach', '2024-2025', 'C');
  const gone = await file(8, 'hs_danh_sach', '2025-2026', 'D', false);
  await rows('hs_danh_sach', a, [{ personal_id: '001', full_name: 'Lê Văn An' }, { personal_id: '002' }]);
  await rows('hs_danh_sach', b, [{ personal_id: '003' }, { personal_id: '001', full_name: 'Lê Văn An' }]);
  await rows('hs_danh_sach', old, [{ personal_id: '002' }]);
  await rows('hs_danh_sach', gone, [{ personal_id: '003' }]);
  await runWarehouseRules(wh, home);
  const got = await findings('pupil_in_two_schools');
  expect(got.map((x) => [x.file_sha256, x.row_number, x.value])).toEqual([[a, 8, '001'], [b, 9, '001']]);
  expect(got[0]!.reason).toContain('của trường B (hs_danh_sach_6.xlsx, trang "Sheet1", dòng 9)');
  // a second run replaces, never duplicates
  await runWarehouseRules(wh, home);
  expect(await findings('pupil_in_two_schools')).toHaveLength(2);
});

test('the same name and birth date in two schools, one without a personal id: a warning on both', async () => {
  const a = await file(9, 'hs_danh_sach', '2025-2026', 'A');
  const b = await file(10, 'hs_danh_sach', '2025-2026', 'B');
  await rows('hs_danh_sach', a, [
    { full_name: 'Trần Thị Bình', birth_date: '2015-04-02', personal_id: null },
    { full_name: 'Ngô Văn Cường', birth_date: '2015-01-01', personal_id: '111' },
  ]);
  await rows('hs_danh_sach', b, [
    { full_name: 'trần thị bình', birth_date: '2015-04-02', personal_id: '222' }, // same, one id missing: warning
    { full_name: 'Ngô Văn Cường', birth_date: '2015-01-01', personal_id: '333' }, // two different ids: two people
  ]);
  await runWarehouseRules(wh, home);
  const got = await findings('same_name_birth_two_schools');
  expect(got.map((x) => [x.file_sha256, x.row_number])).toEqual([[a, 8], [b, 8]]);
  expect(got[0]!.reason).toContain('sinh ngày 02/04/2015');
});

test('pupils in the list by grade against the start-of-year return of the same school and period', async () => {
  const list = await file(11, 'hs_danh_sach', '2025-2026', 'T1');
  await rows('hs_danh_sach', list, [{ grade: '01' }, { grade: '01' }, { grade: '02' }]);
  const ret = await file(12, 'th_dau_nam', '2025-2026', 'T1');
  const cell = (row: number, rowCode: string, value: string) => ({ row_number: String(row), form: 'th_dau_nam', version: 'tt25-2024', period: '2025-2026', unit_code: 'T1', row_code: rowCode, column_key: 'total_all', value });
  // lớp 1: 2 = 2 listed; lớp 2: 3 ≠ 1 listed (warning); lớp 3: 4 ≠ 0 listed (warning)
  for (const c of [cell(20, 'tk:hoc_sinh.khoi_01', '2'), cell(21, 'tk:hoc_sinh.khoi_02', '3'), cell(22, 'tk:hoc_sinh.khoi_03', '4')]) {
    const keys = Object.keys(c);
    await wh.run(`insert into raw.th_dau_nam (file_sha256, sheet, ${keys.join(', ')}) values ($1, 'Học sinh', ${keys.map((_, j) => `$${j + 2}`).join(', ')})`, [ret, ...Object.values(c)]);
  }
  // a return of a school that sent no list says nothing
  const lone = await file(13, 'th_dau_nam', '2025-2026', 'T2');
  await wh.run(`insert into raw.th_dau_nam values ($1, 'Học sinh', '20', 'th_dau_nam', 'tt25-2024', '2025-2026', 'T2', 'tk:hoc_sinh.khoi_01', 'total_all', '7')`, [lone]);
  await runWarehouseRules(wh, home);
  const got = await findings('pupils_list_vs_return');
  expect(got.map((x) => [x.file_sha256, x.row_number, x.value])).toEqual([[ret, 21, '3'], [ret, 22, '4']]);
  expect(got[0]!.reason).toContain('ghi 3 học sinh Khối 2, danh sách học sinh của trường cùng năm học có 1 học sinh khối này (chênh 2)');
});

test('pupil counts against the previous year: growth beyond ±50 % (through the 2025 code change) is a warning', async () => {
  const listOf = async (n: number, period: string, school: string, pupils: number) => {
    const f = await file(n, 'hs_danh_sach', period, school);
    await rows('hs_danh_sach', f, Array.from({ length: pupils }, () => ({ grade: '06' })));
    return f;
  };
  await listOf(20, '2024-2025', 'OLD1', 40);
  const grown = await listOf(21, '2025-2026', 'NEW1', 70); // +75 % against OLD1 (its code before 2025): warning
  await listOf(22, '2024-2025', 'S2', 40);
  await listOf(23, '2025-2026', 'S2', 50); // +25 %: fine
  await listOf(24, '2024-2025', 'S3', 10);
  await listOf(25, '2025-2026', 'S3', 30); // +200 % but under 20 before: not judged
  const reg = await file(26, 'csdl_truong', '2025-2026', null);
  await rows('csdl_truong', reg, [{ school_code: 'NEW1', previous_code: 'OLD1' }]);
  await runWarehouseRules(wh, home);
  const got = await findings('pupil_count_outlier');
  expect(got.map((x) => [x.file_sha256, x.row_number, x.value])).toEqual([[grown, null, '70']]);
  expect(got[0]!.reason).toContain('năm học 2024-2025 có 40 học sinh, thay đổi 75%');
});

test('pupil counts across schools of the same level: min–max bounds from the quartiles', async () => {
  // six lower-secondary schools: five of 10 pupils and one of 100 → Q1 = Q3 = 10, bounds 10–10
  const sizes = [10, 10, 10, 10, 10, 100];
  let big = '';
  for (const [i, n] of sizes.entries()) {
    const f = await file(30 + i, 'hs_danh_sach', '2025-2026', `M${i}`);
    await rows('hs_danh_sach', f, Array.from({ length: n }, () => ({ grade: '07' })));
    if (n === 100) big = f;
  }
  await runWarehouseRules(wh, home);
  const got = await findings('pupil_count_outlier');
  expect(got.map((x) => [x.file_sha256, x.value])).toEqual([[big, '100']]);
  expect(got[0]!.reason).toContain('ngoài khoảng min–max');
});
