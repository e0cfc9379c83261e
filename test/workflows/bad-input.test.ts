// Bad input, kind by kind: each gets a clear Vietnamese message naming the file, the counts add
// up, and nothing is left half-written in the lake (no temporary files, no staging for a file
// refused as a whole).
import { describe, expect, test } from 'vitest';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { parseWorkbook } from '../../workflows/ingest/parse-workbook.js';
import { loadForm } from '../../forms/layout.js';
import { generateDemoWorld } from '../../fixtures/demo-world.js';
import { tempHome } from '../helpers/env.js';
import type { ParseResult } from '../../workflows/ingest/types.js';

const layout = loadForm('hs_danh_sach');
const header = layout.columns.map((c) => c.headers[0]!);
const good = [1, '1A1', 'HS1', 'Nguyễn Văn A', '01/02/2018', 'Nam', 'Đang học', null, 'Kinh', null, 'Khối 2', '019218000001'];

async function workbook(path: string, build: (wb: ExcelJS.Workbook) => void): Promise<void> {
  const wb = new ExcelJS.Workbook();
  build(wb);
  await wb.xlsx.writeFile(path);
}

function pupilSheet(wb: ExcelJS.Workbook, rows: unknown[][], opts: { meta?: string[]; header?: string[] } = {}): ExcelJS.Worksheet {
  const ws = wb.addWorksheet('Sheet1');
  for (const m of opts.meta ?? ['Trường: Trường Tiểu học Thử', 'Mã trường: 190544301', 'Năm học: 2025-2026']) ws.addRow([m]);
  ws.addRow(opts.header ?? header);
  for (const r of rows) ws.addRow(r);
  return ws;
}

async function parse(home: string, path: string): Promise<ParseResult> {
  const r = await parseWorkbook({ home, path, fileName: path.split('/').pop()!, sha256: 'b'.repeat(64), rawPath: 'lake/raw/x' });
  expect(r.rowsRead).toBe(r.rowsAccepted + r.rowsRejected + r.rowsIgnored);
  const leftovers = readdirSync(home, { recursive: true }).map(String).filter((p) => p.endsWith('.tmp'));
  expect(leftovers).toEqual([]);
  return r;
}

interface Case {
  name: string;
  make: (path: string) => Promise<void> | void;
  expect: (r: ParseResult, file: string) => void;
}

const refused = (pattern: RegExp) => (r: ParseResult, file: string) => {
  expect(r.status).toBe('rejected');
  expect(r.message).toContain(file);
  expect(r.message).toMatch(pattern);
  expect(r.stagingPath).toBeNull();
};

const CASES: Case[] = [
  { name: 'an empty file', make: (p) => writeFileSync(p, ''), expect: refused(/không phải tệp Excel \.xlsx/) },
  { name: 'a text file named .xlsx', make: (p) => writeFileSync(p, 'Họ tên;Ngày sinh\n'), expect: refused(/không phải tệp Excel \.xlsx/) },
  { name: 'a PDF named .xlsx', make: (p) => writeFileSync(p, '%PDF-1.4\n%âãÏÓ\n'), expect: refused(/không phải tệp Excel \.xlsx/) },
  { name: 'an old .xls (OLE compound file)', make: (p) => writeFileSync(p, Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(504)])), expect: refused(/Excel 97–2003 \(\.xls\) hoặc tệp có đặt mật khẩu.*Lưu thành/) },
  { name: 'an empty zip', make: (p) => writeFileSync(p, Buffer.from('504b0506000000000000000000000000000000000000', 'hex')), expect: refused(/không phải tệp Excel \.xlsx/) },
  { name: 'a truncated workbook', make: async (p) => {
    await workbook(p, (wb) => pupilSheet(wb, [good]));
    const bytes = readFileSync(p);
    writeFileSync(p, bytes.subarray(0, Math.floor(bytes.length / 2)));
  }, expect: refused(/không đọc được như một tệp Excel/) },
  { name: 'an empty workbook', make: (p) => workbook(p, (wb) => void wb.addWorksheet('Sheet1')), expect: refused(/không nhận ra biểu mẫu/) },
  { name: 'a workbook of another kind', make: (p) => workbook(p, (wb) => void wb.addWorksheet('Bảng lương').addRow(['Họ tên', 'Lương cơ bản', 'Phụ cấp'])), expect: refused(/không nhận ra biểu mẫu.*Gần nhất/) },
  { name: 'a required column missing', make: (p) => workbook(p, (wb) => pupilSheet(wb, [good.slice(0, 10)], { header: header.slice(0, 10) })), expect: (r, f) => {
    expect(r.status).toBe('rejected');
    expect(r.message).toBe(`Tệp ${f}, trang "Sheet1": thiếu cột bắt buộc "Khối" ở dòng tiêu đề 4.`);
    expect([r.rowsRead, r.rowsRejected]).toEqual([1, 1]);
  } },
  { name: 'no school code in the title block', make: (p) => workbook(p, (wb) => pupilSheet(wb, [good], { meta: ['Trường: Trường Tiểu học Thử', 'Năm học: 2025-2026'] })), expect: (r) => {
    expect(r.status).toBe('rejected');
    expect(r.message).toContain('Mã trường: thiếu giá trị bắt buộc');
  } },
  { name: 'a school year that is not one', make: (p) => workbook(p, (wb) => pupilSheet(wb, [good], { meta: ['Trường: Trường Tiểu học Thử', 'Mã trường: 190544301', 'Năm học: 2025'] })), expect: (r) => {
    expect(r.status).toBe('rejected');
    expect(r.message).toContain('Năm học (ô A3): "2025" không phải năm học dạng 2025-2026');
  } },
  { name: 'a header and no rows', make: (p) => workbook(p, (wb) => pupilSheet(wb, [])), expect: (r) => {
    expect(r).toMatchObject({ status: 'parsed', rowsRead: 0, rowsAccepted: 0 });
  } },
  { name: 'only blank-looking and total rows', make: (p) => workbook(p, (wb) => pupilSheet(wb, [[' '], ['Tổng cộng: 0']])), expect: (r) => {
    expect(r).toMatchObject({ status: 'parsed', rowsRead: 2, rowsIgnored: 2, rowsAccepted: 0 });
  } },
  { name: 'the header repeated in the middle', make: (p) => workbook(p, (wb) => pupilSheet(wb, [good, header, good])), expect: (r) => {
    expect(r).toMatchObject({ status: 'parsed', rowsRead: 3, rowsAccepted: 2, rowsIgnored: 1 });
  } },
  { name: 'formula-injection text in a name', make: (p) => workbook(p, (wb) => pupilSheet(wb, [[...good.slice(0, 3), '=HYPERLINK("http://x","Bấm")', ...good.slice(4)]])), expect: (r) => {
    // kept as the text it is (never evaluated); it is personal data, so it is never published
    expect(r).toMatchObject({ status: 'parsed', rowsAccepted: 1 });
  } },
  { name: 'a number with letters in an integer column', make: (p) => workbook(p, (wb) => pupilSheet(wb, [['1a', ...good.slice(1)]])), expect: (r) => {
    expect(r).toMatchObject({ rowsRejected: 1, rowsAccepted: 0 });
  } },
  { name: 'error cells and markers', make: (p) => workbook(p, (wb) => pupilSheet(wb, [[...good.slice(0, 5), { error: '#N/A' }, ...good.slice(6)], [...good.slice(0, 8), '?', ...good.slice(9)]])), expect: (r) => {
    expect(r).toMatchObject({ rowsRejected: 2 });
  } },
  { name: 'a very long text cell', make: (p) => workbook(p, (wb) => pupilSheet(wb, [[...good.slice(0, 3), 'Nguyễn '.repeat(3000), ...good.slice(4)]])), expect: (r) => {
    expect(r).toMatchObject({ status: 'parsed', rowsAccepted: 1 });
  } },
  { name: 'control characters escaped in the XML', make: (p) => workbook(p, (wb) => pupilSheet(wb, [[...good.slice(0, 3), 'Lê\u0007 Văn B', ...good.slice(4)]])), expect: (r) => {
    expect(r).toMatchObject({ status: 'parsed', rowsAccepted: 1 });
  } },
  { name: 'the data sheet hidden, a visible copy beside it', make: (p) => workbook(p, (wb) => {
    pupilSheet(wb, [good, good]).state = 'hidden';
    const ws = wb.addWorksheet('Bản sao');
    for (const m of ['Trường: Trường Tiểu học Thử', 'Mã trường: 190544301', 'Năm học: 2025-2026']) ws.addRow([m]);
    ws.addRow(header);
    ws.addRow(good);
  }), expect: (r) => {
    // the hidden sheet is not data: only the visible one counts
    expect(r).toMatchObject({ status: 'parsed', rowsRead: 1, rowsAccepted: 1 });
  } },
];

describe('bad input', () => {
  test.each(CASES.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const home = tempHome('bad-input-');
    const file = `${c.name.replace(/[^\p{L}\p{N}]+/gu, '-')}.xlsx`;
    const path = join(home, file);
    await c.make(path);
    c.expect(await parse(home, path), file);
  });

  test('a real pupil list still reads after all that (the harness itself is sound)', async () => {
    const home = tempHome('bad-input-');
    const world = await generateDemoWorld(join(home, 'in'), { seed: 9 });
    const r = await parse(home, world.files[0]!);
    expect(r).toMatchObject({ status: 'parsed', rowsRead: world.schools[0]!.rowsRead });
  });
});
