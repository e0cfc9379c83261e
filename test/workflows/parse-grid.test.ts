import { beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { DuckDBInstance } from '@duckdb/node-api';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gridFor, type GridLayout } from '../../forms/grids.js';
import { writeGridWorkbook, type GridValues } from '../../fixtures/grid-writer.js';
import { SCALES, simulateSchool, world, type SchoolYear } from '../../fixtures/world/model.js';
import { parseGridWorkbook, readGrid, type GridRead } from '../../workflows/ingest/parse-grid.js';
import scales from '../../forms/result-scales.json' with { type: 'json' };

const REAL = fileURLToPath(new URL('../../fixtures/samples/bieu-01-mn-dn-2020-csdl-export.xlsx', import.meta.url));
const sha = async (p: string) => createHash('sha256').update(await readFile(p)).digest('hex');

/** What the parser read, in the answer key's shape. */
function asValues(read: GridRead): GridValues {
  const out: GridValues = {};
  for (const c of read.cells) ((out[c.sheetKey] ??= {})[c.rowId] ??= {})[c.columnKey] = c.value;
  return out;
}

const FORMS: [string, (g: string[]) => boolean][] = [
  ['mn_dau_nam', (g) => g.includes('17')],
  ['th_dau_nam', (g) => g.includes('03')],
  ['th_cuoi_nam', (g) => g.includes('03')],
  ['thcs_dau_nam', (g) => g.includes('07')],
  ['thcs_cuoi_nam', (g) => g.includes('07')],
  ['thpt_dau_nam', (g) => g.includes('11')],
  ['thpt_cuoi_nam', (g) => g.includes('11')],
];

let dir: string;
const byYear = new Map<number, SchoolYear[]>();
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parse-grid-'));
  const w = world({ seed: 7, ...SCALES.tiny });
  for (const s of w.schools) simulateSchool(s, 7, scales.first_year_new_scale, (y) => (y.year === 2020 || y.year === 2025) && byYear.set(y.year, [...(byYear.get(y.year) ?? []), y]));
});

async function roundTrip(layout: GridLayout, years: SchoolYear[], name: string) {
  const path = join(dir, `${name}.xlsx`);
  const key = await writeGridWorkbook({ path, layout, years, unitName: years.length > 1 ? 'Sở GDĐT tỉnh Thái Nguyên' : years[0]!.school.name, unitCode: years.length > 1 ? '25' : years[0]!.school.codeOld });
  return { path, key, read: await readGrid(path, `${name}.xlsx`) };
}

describe('parseGridWorkbook: writer → parser round trip', () => {
  for (const year of [2020, 2025]) {
    for (const [form, teaches] of FORMS) {
      it(`${form} ${year}: recognised by content, values exactly the answer key, no warnings`, async () => {
        const schools = byYear.get(year)!.filter((y) => teaches(y.school.grades)).slice(0, 2);
        expect(schools.length).toBeGreaterThan(0);
        const layout = gridFor(form, year);
        for (const [i, y] of schools.entries()) {
          const { key, read } = await roundTrip(layout, [y], `${form}-${year}-${i}`);
          expect([read.message, read.candidates]).toEqual([null, read.candidates]);
          expect(`${read.layout?.form}@${read.layout?.version}`).toBe(`${layout.form}@${layout.version}`);
          expect(read.period).toBe(y.schoolYear);
          expect(read.unitCode).toBe(y.school.codeOld);
          expect(read.unitName).toBe(y.school.name);
          expect(read.issues).toEqual([]);
          expect(asValues(read)).toEqual(key);
          expect(read.rowsRead).toBe(read.rowsAccepted + read.rowsIgnored);
        }
      });
    }
  }

  it('the Sở aggregate of many schools is the sum of the schools', async () => {
    const years = byYear.get(2020)!.filter((y) => y.school.grades.includes('17'));
    expect(years.length).toBeGreaterThan(2);
    const layout = gridFor('mn_dau_nam', 2020);
    const { key, read } = await roundTrip(layout, years, 'mn-aggregate');
    expect(read.issues).toEqual([]);
    expect(asValues(read)).toEqual(key);
    expect(key.hoc_sinh!['83']!.total_all).toBe(years.reduce((n, y) => n + y.enrolments.length, 0));
    expect(key.truong_lop!['1']!.total).toBe(years.length);
  });

  it('same seed → byte-identical grid files', async () => {
    const y = byYear.get(2020)!.find((x) => x.school.grades.includes('03'))!;
    const layout = gridFor('th_dau_nam', 2020);
    const a = join(dir, 'same-a.xlsx');
    const b = join(dir, 'same-b.xlsx');
    for (const path of [a, b]) await writeGridWorkbook({ path, layout, years: [y], unitName: y.school.name, unitCode: y.school.codeOld });
    expect(await sha(a)).toBe(await sha(b));
  });

  it('writes the long-format Parquet and the rejects; a broken cell is rejected, a broken sum is a warning', async () => {
    const y = byYear.get(2020)!.find((x) => x.school.grades.includes('03'))!;
    const layout = gridFor('th_dau_nam', 2020);
    const clean = join(dir, 'th-dirty-src.xlsx');
    const key = await writeGridWorkbook({ path: clean, layout, years: [y], unitName: y.school.name, unitCode: y.school.codeOld });
    // dirt: Học sinh code 40 total 'abc' (rejected); code 41 công lập +1 (Tổng số ≠ công lập + tư thục);
    // Trường-Lớp code 28 Tổng số +1 (27 = 28…32 and Tổng số = công lập + tư thục fail)
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(clean);
    const rowOf = (ws: ExcelJS.Worksheet, code: number) => {
      let n = 0;
      ws.eachRow((row, i) => void (row.getCell(4).value === code && (n = i)));
      return n;
    };
    const hs = wb.getWorksheet('Học sinh')!;
    const tl = wb.getWorksheet('Trường-Lớp')!;
    const [r40, r41, r27, r28] = [rowOf(hs, 40), rowOf(hs, 41), rowOf(tl, 27), rowOf(tl, 28)];
    hs.getCell(r40, 5).value = 'abc';
    hs.getCell(r41, 9).value = (key.hoc_sinh!['41']!.public_all ?? 0) + 1;
    tl.getCell(r28, 5).value = (key.truong_lop!['28']!.total ?? 0) + 1;
    const dirty = join(dir, 'th-dirty.xlsx');
    await wb.xlsx.writeFile(dirty);

    const home = await mkdtemp(join(tmpdir(), 'grid-home-'));
    const hash = await sha(dirty);
    const res = await parseGridWorkbook({ home, path: dirty, fileName: 'th-dirty.xlsx', sha256: hash, rawPath: `lake/raw/${hash}.xlsx` });
    expect(res).toMatchObject({ status: 'parsed', form: 'th_dau_nam', formVersion: 'tt24-2018', period: '2020-2021', schoolCode: y.school.codeOld, rowsRejected: 1 });
    expect(res.rowsRead).toBe(res.rowsAccepted + res.rowsRejected + res.rowsIgnored);
    expect(res.stagingPath).toBe(join('lake', 'staging', 'th_dau_nam', '2020-2021', `${hash}.parquet`));
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    const staged = (await con.runAndReadAll(`select * from read_parquet('${join(home, res.stagingPath!)}')`)).getRowObjectsJS();
    expect(Object.keys(staged[0]!)).toEqual(['file_sha256', 'sheet', 'row_number', 'form', 'version', 'period', 'unit_code', 'row_code', 'column_key', 'value']);
    expect(staged.length).toBeGreaterThan(1000);
    const cell = staged.find((r) => r.row_code === '37' && r.column_key === 'total_female');
    expect(cell).toMatchObject({ sheet: 'Học sinh', form: 'th_dau_nam', unit_code: y.school.codeOld, value: String(key.hoc_sinh!['37']!.total_female) });
    expect(staged.some((r) => r.row_code === '40')).toBe(false);
    const rejects = (await con.runAndReadAll(`select row_number, column_letter, reason from read_parquet('${join(home, res.rejectsPath!)}') order by row_number, column_letter`)).getRowObjectsJS();
    con.closeSync();
    db.closeSync();
    expect(rejects).toContainEqual({ row_number: r40, column_letter: 'E', reason: `Tệp th-dirty.xlsx, trang "Học sinh", dòng ${r40} (mã số 40), cột E "Tổng số": "abc" không phải số nguyên.` });
    const warnings = rejects.filter((r) => String(r.reason).startsWith('Cảnh báo'));
    // 37 = 40…44 is not checked: row 40 was rejected
    expect(warnings.map((w) => `${w.row_number}${w.column_letter} ${/\[(.*)\]/.exec(String(w.reason))![1]}`).sort()).toEqual(
      [`${r41}E total_all=public_all+private_all`, `${r28}E total=public+private`, `${r27}E 27=28+29+30+31+32`].sort(),
    );
    expect(rejects).toHaveLength(4);
  });

  it('a workbook that is not a grid form is said so, with the known forms', async () => {
    const path = join(dir, 'not-a-grid.xlsx');
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Sheet1').addRow(['Họ tên', 'Ngày sinh']);
    await wb.xlsx.writeFile(path);
    const read = await readGrid(path, 'not-a-grid.xlsx');
    expect(read.layout).toBeNull();
    expect(read.message).toMatch(/^Tệp not-a-grid.xlsx: không nhận ra biểu mẫu dạng bảng .*01-MN-ĐN/);
  });
});

describe('the real csdl export of Biểu 01-MN-ĐN (2020)', () => {
  let read: GridRead;
  beforeAll(async () => {
    read = await readGrid(REAL, 'bieu-01-mn-dn-2020-csdl-export.xlsx');
  });

  it('is recognised as 01-MN-ĐN, TT 24/2018, by its content', () => {
    expect(read.layout?.symbol).toBe('01-MN-ĐN');
    expect(read.candidates[0]).toMatchObject({ id: 'mn_dau_nam@tt24-2018' });
    expect(read.unitName).toBe('Sở GDĐT tỉnh………..');
    // the export names no school year: it comes from the file name, with a warning
    expect(read.period).toBe('2020-2021');
    expect(read.issues.filter((i) => i.rule === null).map((i) => i.reason)).toEqual(['Cảnh báo: tệp bieu-01-mn-dn-2020-csdl-export.xlsx không ghi năm học trong phần đầu biểu; lấy năm học 2020-2021 từ tên tệp.']);
  });

  it('loads its values: floats as numbers, blank rows as null, nothing rejected', () => {
    const v = asValues(read);
    expect(v.truong_lop!['55']).toEqual({ total: 47, public: 47, private: 0, people: 0 });
    expect(v.truong_lop!['69']!.total).toBe(27);
    expect(v.truong_lop!['32']).toEqual({ total: null, public: null, private: null, people: null });
    expect(v.hoc_sinh!['83']).toMatchObject({ total_all: 23, total_female: 18, total_em: 21, total_em_female: 17 });
    expect(v.hoc_sinh!['90']).toMatchObject({ public_em_female: 7, total_em_female: 6 });
    expect(v.phong_hoc!['194']!.total_all).toBeNull();
    expect(v.ngan_sach!['16']).toEqual({ final_prev: null, budget_estimate: null, budget_expected: null });
    expect(read.rowsRejected).toBe(0);
    expect(read.rowsRead).toBe(read.rowsAccepted + read.rowsIgnored);
    expect(Object.values(v).reduce((n, s) => n + Object.keys(s).length, 0)).toBe(212 + 25);
  });

  it('its totals match their parts where the workbook is consistent, and its inconsistencies are reported', () => {
    const failed = read.issues.filter((i) => i.rule !== null).map((i) => `${i.sheet}!${i.column}${i.row} ${i.rule}`);
    const cols = (row: number, letters: string, rule: string, sheet = 'Học sinh') => [...letters].map((l) => `${sheet}!${l}${row} ${rule}`);
    expect(failed.sort()).toEqual(
      [
        ...cols(71, 'EF', '55=56+69', 'Trường-Lớp'),
        ...cols(5, 'EFGHIJKL', '83=84+90'),
        ...cols(14, 'L', '90=91+92'),
        ...cols(28, 'EFGHIJKL', '101=102+103+104+105+106'),
        ...cols(41, 'EFGHIJKL', '112≥113+114+115+116'),
        ...cols(14, 'H', 'total_em_female=public_em_female+private_em_female+people_em_female'),
        ...cols(28, 'H', 'total_em_female=public_em_female+private_em_female+people_em_female'),
        ...cols(14, 'J', 'public_female≥public_em_female'),
        ...cols(28, 'J', 'public_female≥public_em_female'),
      ].sort(),
    );
    // e.g. 1 = 2 + 15 + 33, 84 = 85 + 86, 101 = 90 and the ownership columns elsewhere hold
    expect(failed.some((f) => /\b(1=2\+15\+33|84=85\+86|101=90|123=124\+139)\b/.test(f))).toBe(false);
    const one = read.issues.find((i) => i.rule === '55=56+69' && i.column === 'E')!;
    expect(one.reason).toBe('Cảnh báo (không từ chối): trang "Trường-Lớp", dòng 71, cột E "Tổng số": mã số 55 "Tổng số Nhóm/lớp" = 47 ≠ 34 = mã số 56 "Nhóm trẻ" (7) + mã số 69 "Lớp mẫu giáo" (27) — quy tắc tổng bằng tổng các phần [55=56+69].');
  });

  it('parseGridWorkbook stages it under mn_dau_nam/2020-2021 with the warnings in the rejects file', async () => {
    const home = await mkdtemp(join(tmpdir(), 'grid-real-'));
    const hash = await sha(REAL);
    const res = await parseGridWorkbook({ home, path: REAL, fileName: 'bieu-01-mn-dn-2020-csdl-export.xlsx', sha256: hash, rawPath: `lake/raw/${hash}.xlsx` });
    expect(res).toMatchObject({ status: 'parsed', form: 'mn_dau_nam', formVersion: 'tt24-2018', period: '2020-2021', schoolCode: null, rowsRejected: 0 });
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    const n = (await con.runAndReadAll(`select count(*)::int as n, count(value)::int as v from read_parquet('${join(home, res.stagingPath!)}')`)).getRowObjectsJS()[0];
    const w = (await con.runAndReadAll(`select count(*)::int as n from read_parquet('${join(home, res.rejectsPath!)}')`)).getRowObjectsJS()[0];
    con.closeSync();
    db.closeSync();
    expect(n).toEqual({ n: read.cells.length, v: read.cells.filter((c) => c.value !== null).length });
    expect(w).toEqual({ n: read.issues.length });
  });
});
