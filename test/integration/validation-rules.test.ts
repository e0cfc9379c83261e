// Validation rules and error workbooks through the real stack (Temporal dev server, workers, DuckDB
// file, exceljs files): two schools' pupil lists with the same pupil, a device list with a loan, a
// late handover and a handover before delivery, the Sở's device-needs list, and the real csdl
// export whose grid does not add up. Checks ops.files counts, ops.rejects, and the error workbooks
// opened with exceljs (rows, reason column, filled cells, masked variant).
import { afterAll, beforeAll, expect, test } from 'vitest';
import ExcelJS from 'exceljs';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildList, type Record_ } from '../../fixtures/list-builder.js';
import { writeXlsx } from '../../fixtures/workbook-model.js';
import { dist, fromDist } from '../helpers/dist.js';
import { root, startIngestStack, tempHome, thongke } from '../helpers/env.js';

const home = tempHome('validation-');
process.env.THONGKE_HOME = home;
let stack: Awaited<ReturnType<typeof startIngestStack>>;
const csdl = resolve(root, '..', 'shared', 'data', 'csdl', 'bieu-01-mn-dn-2020-csdl-export.xlsx');
const PERIOD = '2025-2026';
const TWIN = '025210000123';

const pupil = (i: number, extra: Record_ = {}): Record_ => ({
  stt: i, class_code: '6A1', pupil_code: `HS${i}`, full_name: `Nguyễn Văn Số ${i}`, birth_date: '2014-03-0' + i, gender: '01',
  status: '01', ethnicity: '01', grade: '06', personal_id: `02521000000${i}`, ...extra,
});

async function write(name: string, layoutId: string, meta: Record<string, string>, records: Record_[]): Promise<string> {
  const path = join(home, 'in', name);
  await writeXlsx(path, buildList({ layoutId, authority: 'PHÒNG GIÁO DỤC VÀ ĐÀO TẠO', meta, sheets: [{ name: 'Sheet1', records }] }).model);
  return path;
}

beforeAll(async () => {
  stack = await startIngestStack(home);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

test('rules at load and after the batch, and each school\'s error workbook', async () => {
  const a = { school_code: '25048001', school_name: 'Trường THCS A', school_year: PERIOD };
  const b = { school_code: '25048002', school_name: 'Trường THCS B', school_year: PERIOD };
  const files = [
    // row 8: the pupil B also lists (row 9 there)
    await write('A_DanhSachHocSinh.xlsx', 'hs_danh_sach', a, [pupil(1, { personal_id: TWIN }), pupil(2), pupil(3)]),
    await write('B_DanhSachHocSinh.xlsx', 'hs_danh_sach', b, [pupil(4), pupil(5, { personal_id: TWIN })]),
    await write('A_MayTinhChoEm.xlsx', 'may_tinh_cho_em', a, [
      { stt: 1, pupil_code: 'HS1', full_name: 'Nguyễn Văn Số 1', class_code: '6A1', category: '01', device_type: '01', handover_mode: '1', delivered_on: '2025-10-01', handed_over_on: '2025-10-02' },
      { stt: 2, pupil_code: 'HS2', full_name: 'Nguyễn Văn Số 2', class_code: '6A1', category: '01', device_type: '02', handover_mode: '2', delivered_on: '2025-10-01', handed_over_on: '2025-10-01' },
      { stt: 3, pupil_code: 'HS3', full_name: 'Nguyễn Văn Số 3', class_code: '6A1', category: '01', device_type: '01', handover_mode: '1', delivered_on: '2025-10-01', handed_over_on: '2025-10-05' },
      { stt: 4, pupil_code: 'HS4', full_name: 'Nguyễn Văn Số 4', class_code: '6A1', category: '01', device_type: '01', handover_mode: '1', delivered_on: '2025-10-10', handed_over_on: '2025-10-08' },
    ]),
    await write('So_NhuCauMayTinh.xlsx', 'may_tinh_nhu_cau', { school_year: PERIOD, province_code: '25' }, [
      { stt: 1, school_code: a.school_code, school_name: a.school_name, category: '01', pupils_needing_device: 5, pupils_needing_sim: 0, devices_received: 4, devices_handed_over: 3 },
    ]),
    csdl,
  ];
  expect(existsSync(csdl)).toBe(true);
  const result = await (await dist.client()).runIngestBatch(stack.client, { files });
  expect(result.transformRunId).not.toBeNull();

  const { withWarehouse } = await dist.db();
  const q = (sql: string) => withWarehouse(join(home, 'warehouse.duckdb'), (wh) => wh.rowsJson(sql), { readOnly: true });
  // the handover before delivery is rejected at load: counts add up, raw keeps the other three
  const [dev] = await q(`select rows_read, rows_accepted, rows_rejected, rows_ignored from ops.files where file_name like '%A_MayTinhChoEm.xlsx'`);
  expect(dev).toEqual({ rows_read: 5, rows_accepted: 3, rows_rejected: 1, rows_ignored: 1 });
  expect((await q('select row_number from raw.may_tinh_cho_em order by row_number::integer')).map((r) => r.row_number)).toEqual(['8', '9', '10']);
  // a rebuild from the lake leaves the rejected row out too (the lake's Parquet still holds it)
  const rebuilt = await thongke(['rebuild'], { THONGKE_HOME: home });
  expect(rebuilt.code, rebuilt.stderr).toBe(0);
  expect((await q('select row_number from raw.may_tinh_cho_em order by row_number::integer')).map((r) => r.row_number)).toEqual(['8', '9', '10']);
  for (const f of await q('select rows_read, rows_accepted, rows_rejected, rows_ignored from ops.files')) {
    expect(f.rows_read).toBe(Number(f.rows_accepted) + Number(f.rows_rejected) + Number(f.rows_ignored));
  }
  const rejects = await q(`select file_name, sheet, row_number, column_letter, code, severity from ops.rejects
    where code in ('handover_late', 'handover_before_delivery', 'pupil_in_two_schools', 'loaned_device_counted_owned') order by code, file_name`);
  expect(rejects).toEqual([
    { file_name: expect.stringContaining('A_MayTinhChoEm.xlsx'), sheet: 'Sheet1', row_number: 11, column_letter: 'I', code: 'handover_before_delivery', severity: 'error' },
    { file_name: expect.stringContaining('A_MayTinhChoEm.xlsx'), sheet: 'Sheet1', row_number: 10, column_letter: 'I', code: 'handover_late', severity: 'warning' },
    // reported 3 handed over; the list has 1 given computer on time + 1 late (row 11 rejected), 1 loaned
    { file_name: expect.stringContaining('So_NhuCauMayTinh.xlsx'), sheet: 'Sheet1', row_number: 7, column_letter: 'H', code: 'loaned_device_counted_owned', severity: 'warning' },
    { file_name: expect.stringContaining('A_DanhSachHocSinh.xlsx'), sheet: 'Sheet1', row_number: 8, column_letter: 'L', code: 'pupil_in_two_schools', severity: 'warning' },
    { file_name: expect.stringContaining('B_DanhSachHocSinh.xlsx'), sheet: 'Sheet1', row_number: 9, column_letter: 'L', code: 'pupil_in_two_schools', severity: 'warning' },
  ]);
  // the real export's grid that does not add up: sum-rule warnings at a cell
  const grid = await q(`select f.school_code, r.sheet, r.row_number, r.column_letter from ops.rejects r join ops.files f using (file_sha256)
    where f.file_name like '%bieu-01-mn-dn%' and r.severity = 'warning' and r.code like '%=%' and r.column_letter is not null order by r.sheet, r.row_number limit 1`);
  expect(grid).toHaveLength(1);

  // a second transform replaces the warehouse findings, never duplicates them
  const { runWarehouseRules } = await fromDist<typeof import('../../warehouse/rules.js')>('warehouse/rules.js');
  await withWarehouse(join(home, 'warehouse.duckdb'), (wh) => runWarehouseRules(wh, home));
  expect(await q(`select count(*)::integer as n from ops.rejects where code = 'pupil_in_two_schools'`)).toEqual([{ n: 2 }]);

  // the error workbooks, written by the command
  const run = await thongke(['errors', '--period', PERIOD], { THONGKE_HOME: home });
  expect(run.code, run.stderr).toBe(0);
  const path = join(home, 'lake', 'error-workbooks', PERIOD, `${a.school_code}.xlsx`);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path);
  expect(wb.worksheets.map((w) => w.name)).toEqual(['Tóm tắt', 'Sheet1', 'Sheet1 (2)']);
  const text = (ws: ExcelJS.Worksheet, r: number) => (ws.getRow(r).values as unknown[]).slice(1).map((v) => (v === null || v === undefined ? '' : String(v)));
  // the device list: rows 10 (late) and 11 (rejected), as typed, with the reason and the cell filled
  const devices = wb.worksheets.find((w) => text(w, 1)[0]!.includes('A_MayTinhChoEm'))!;
  const head = text(devices, 2);
  expect(head[0]).toBe('Dòng');
  expect(head.at(-1)).toBe('Lý do');
  const handedCol = head.indexOf('Ngày bàn giao cho học sinh') + 1;
  expect(handedCol).toBe(10); // column I of the source, after "Dòng"
  expect(devices.rowCount).toBe(4);
  expect(text(devices, 3).slice(0, 3)).toEqual(['10', '3', 'HS3']);
  expect(text(devices, 3)[handedCol - 1]).toBe('05/10/2025');
  expect(text(devices, 3).at(-1)).toContain('sau 4 ngày');
  expect((devices.getRow(3).getCell(handedCol).fill as ExcelJS.FillPattern).fgColor?.argb).toBe('FFFFEB9C');
  expect(text(devices, 4)[0]).toBe('11');
  expect(text(devices, 4).at(-1)).toContain('trước ngày trường nhận thiết bị');
  expect((devices.getRow(4).getCell(handedCol).fill as ExcelJS.FillPattern).fgColor?.argb).toBe('FFFFC7CE');
  // the pupil list: the twin's row, its personal id filled
  const pupils = wb.worksheets.find((w) => text(w, 1)[0]!.includes('A_DanhSachHocSinh'))!;
  const idCol = text(pupils, 2).indexOf('Số định danh cá nhân') + 1;
  expect(text(pupils, 3)[idCol - 1]).toBe(TWIN);
  expect(text(pupils, 3).at(-1)).toContain('25048002');
  expect((pupils.getRow(3).getCell(idCol).fill as ExcelJS.FillPattern).fgColor?.argb).toBe('FFFFEB9C');
  // the summary counts the files and the rules
  const summary = wb.getWorksheet('Tóm tắt')!;
  const all = Array.from({ length: summary.rowCount }, (_, i) => text(summary, i + 1).join('|'));
  expect(all.some((l) => l.includes('A_MayTinhChoEm.xlsx|may_tinh_cho_em|đã nạp|5|3|1|1'))).toBe(true);
  expect(all.some((l) => l.startsWith('handover_before_delivery|Lỗi'))).toBe(true);

  // the public variant: no names, birth dates or personal ids anywhere
  const pub = await thongke(['errors', '--period', PERIOD, '--school', a.school_code, '--public', '--out', join(home, 'pub')], { THONGKE_HOME: home });
  expect(pub.code, pub.stderr).toBe(0);
  const masked = new ExcelJS.Workbook();
  await masked.xlsx.readFile(join(home, 'pub', PERIOD, `${a.school_code}.xlsx`));
  const everything = masked.worksheets.flatMap((w) => Array.from({ length: w.rowCount }, (_, i) => text(w, i + 1).join('|'))).join('\n');
  expect(everything).not.toContain(TWIN);
  expect(everything).not.toContain('Nguyễn Văn Số');
  expect(everything).not.toMatch(/0\d\/03\/2014/);
  expect(everything).toContain('***');
  expect(everything).toContain('05/10/2025'); // a handover date is not personal
}, 300_000);
