// The parser on its own (no thread, no Temporal): counts, lake files, rejects at their cells.
import { describe, expect, test } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { DuckDBInstance } from '@duckdb/node-api';
import { parseWorkbook } from '../../workflows/ingest/parse-workbook.js';
import { generateDemoWorld } from '../../fixtures/demo-world.js';
import { loadForm } from '../../forms/layout.js';
import { tempHome } from '../helpers/env.js';

async function query(sql: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  try {
    return (await con.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
  } finally {
    con.closeSync();
    db.closeSync();
  }
}

const parse = (home: string, path: string) => parseWorkbook({ home, path, fileName: path.split('/').pop()!, sha256: 'f'.repeat(64), rawPath: 'lake/raw/x.xlsx' });

describe('parseWorkbook', () => {
  test('counts and rejects match the answer key exactly', async () => {
    const home = tempHome();
    const world = await generateDemoWorld(join(home, 'in'), { seed: 11, dirtRate: 0.03 });
    const layout = loadForm('hs_danh_sach');
    for (const school of world.schools) {
      const r = await parse(home, school.file);
      expect(r).toMatchObject({
        status: 'parsed', form: 'hs_danh_sach', period: '2025-2026', schoolCode: school.schoolCode,
        rowsRead: school.rowsRead, rowsAccepted: school.rowsAccepted, rowsRejected: school.rowsRejected, rowsIgnored: school.rowsIgnored,
      });
      const rejects = await query(`select row_number, column_header, sheet from '${join(home, r.rejectsPath!)}' order by all`);
      const expected = school.defects.map((d) => ({ row_number: d.row, column_header: layout.columns.find((c) => c.key === d.column)!.headers[0], sheet: 'Sheet1' }));
      expect(rejects).toEqual(expected.sort((a, b) => a.row_number - b.row_number || a.column_header!.localeCompare(b.column_header!)));
      const staged = await query(`select count(*)::integer as n, count(distinct school_code)::integer as schools, min(row_number::integer) as first from '${join(home, r.stagingPath!)}'`);
      expect(staged).toEqual([{ n: school.rowsAccepted, schools: 1, first: 8 }]);
    }
  });

  test('a workbook of no known form is rejected, naming the forms it knows', async () => {
    const home = tempHome();
    const path = join(home, 'khac.xlsx');
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Bảng').addRow(['Họ và tên', 'Số điện thoại']);
    await wb.xlsx.writeFile(path);
    const r = await parse(home, path);
    expect(r.status).toBe('rejected');
    expect(r.message).toContain('khac.xlsx: không nhận ra biểu mẫu');
    // "Họ và tên" is a column of several forms: they are named as the closest candidates
    expect(r.message).toMatch(/Gần nhất: [a-z_.]+ \(.*; khớp \d+% tên cột\)/);
    expect([r.rowsRead, r.rowsAccepted, r.rowsRejected, r.rowsIgnored]).toEqual([0, 0, 0, 0]);
  });

  test('with nothing in common, the known forms are listed', async () => {
    const home = tempHome();
    const path = join(home, 'la.xlsx');
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Bảng').addRow(['Tên hàng', 'Đơn giá']);
    await wb.xlsx.writeFile(path);
    const r = await parse(home, path);
    expect(r.message).toContain('Các mẫu đã biết: ');
    expect(r.message).toContain('hs_danh_sach');
  });

  test('a file that is not a workbook gets a clear message', async () => {
    const home = tempHome();
    const path = join(home, 'gia.xlsx');
    writeFileSync(path, 'đây không phải tệp Excel');
    const r = await parse(home, path);
    expect(r.status).toBe('rejected');
    expect(r.message).toBe('Tệp gia.xlsx: không phải tệp Excel .xlsx (nội dung không phải định dạng sổ tính). Hãy xuất lại từ phần mềm dưới dạng .xlsx.');
  });

  test('a missing school code rejects every row, and the counts still add up', async () => {
    const home = tempHome();
    const path = join(home, 'thieu-ma.xlsx');
    const layout = loadForm('hs_danh_sach');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Sheet1');
    ws.addRow(['Trường: Trường Tiểu học Thử']);
    ws.addRow(['Năm học: 2025-2026']);
    ws.addRow(layout.columns.map((c) => c.headers[0]));
    ws.addRow([1, '1A1', 'HS1', 'Nguyễn Văn A', '01/02/2018', 'Nam', 'Đang học', null, 'Kinh', null, 'Khối 2', null]);
    ws.addRow([2, '1A1', 'HS2', 'Trần Thị B', '03/04/2018', 'Nữ', 'Đang học', null, 'Tày', null, 'Khối 2', null]);
    ws.addRow([]);
    ws.addRow(['Tổng cộng']);
    await wb.xlsx.writeFile(path);
    const r = await parse(home, path);
    expect(r).toMatchObject({ status: 'rejected', rowsRead: 3, rowsAccepted: 0, rowsRejected: 2, rowsIgnored: 1 });
    expect(r.message).toBe('Tệp thieu-ma.xlsx, trang "Sheet1": phần đầu trang tính thiếu hoặc sai: Mã trường: thiếu giá trị bắt buộc.');
    const rejects = await query(`select row_number, reason from '${join(home, r.rejectsPath!)}'`);
    expect(rejects.map((x) => x.row_number)).toEqual([4, 5]);
  });

  test('headers found below a shifted title block, in another column order', async () => {
    const home = tempHome();
    const path = join(home, 'lech.xlsx');
    const layout = loadForm('hs_danh_sach');
    const cols = [...layout.columns].reverse();
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Sheet1');
    for (let i = 0; i < 3; i++) ws.addRow([]);
    ws.addRow(['Mã trường', '190544301']);
    ws.addRow(['Trường', 'Trường Tiểu học Thử']);
    ws.addRow(['Năm học', '2025 - 2026']);
    ws.addRow(cols.map((c) => c.headers[c.headers.length - 1]));
    const values: Record<string, unknown> = { stt: 1, class_code: '2A1', pupil_code: 'HS1', full_name: 'Lê Văn C', birth_date: 43132, gender: 'Nam', status: '1', ethnicity: '1', grade: '2' };
    ws.addRow(cols.map((c) => values[c.key] ?? null));
    await wb.xlsx.writeFile(path);
    const r = await parse(home, path);
    expect(r).toMatchObject({ status: 'parsed', schoolCode: '190544301', period: '2025-2026', rowsRead: 1, rowsAccepted: 1 });
    const [row] = await query(`select birth_date, gender, status, ethnicity, grade, row_number from '${join(home, r.stagingPath!)}'`);
    expect(row).toEqual({ birth_date: '2018-02-01', gender: '01', status: '01', ethnicity: '01', grade: '02', row_number: '8' });
  });
});
