// Bad input, kind by kind, through the real ingest path (the parseFile and loadFile activities
// from dist/, parse threads, lake, DuckDB warehouse): each kind gets a clear Vietnamese message
// naming the file (and sheet, row, column where it is about cells), the counts add up, and
// nothing is left half-stored: no raw rows and no staging file for a refused file, ops.files
// says why, the lake keeps the original bytes, no temporary files.
//
// KINDS below is the one list of kinds; the table in README.md ("What comes in") is checked
// against it.
import { afterAll, describe, expect, test } from 'vitest';
import { createWriteStream, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import XLSX from 'xlsx';
import yazl from 'yazl';
import yauzl from 'yauzl';
import { MockActivityEnvironment } from '@temporalio/testing';
import { loadForm } from '../../forms/layout.js';
import { csvCell } from '../../forms/csv.js';
import { fromDist, dist } from '../helpers/dist.js';
import { root, tempHome } from '../helpers/env.js';
import type { ParseResult } from '../../workflows/ingest/types.js';

const layout = loadForm('hs_danh_sach');
const header = layout.columns.map((c) => c.headers[0]!);
const good = [1, '1A1', 'HS1', 'Nguyễn Văn A', '01/02/2018', 'Nam', 'Đang học', null, 'Kinh', null, 'Khối 2', '019218000001'];
const SCHOOL = 'Trường Tiểu học Thử';
const META = [`Trường: ${SCHOOL}`, 'Mã trường: 190544301', 'Năm học: 2025-2026'];
/** a good row with one cell (by column letter) changed */
const withCell = (col: string, v: unknown, base: unknown[] = good) => base.map((x, i) => (i === col.charCodeAt(0) - 65 ? v : x));

// ---- writing the inputs: exceljs, SheetJS, yazl, or raw bytes where the defect needs them ----

async function workbook(path: string, build: (wb: ExcelJS.Workbook) => void): Promise<string> {
  const wb = new ExcelJS.Workbook();
  build(wb);
  await wb.xlsx.writeFile(path);
  return path;
}

function pupilSheet(wb: ExcelJS.Workbook, rows: unknown[][], opts: { meta?: string[]; header?: string[]; name?: string } = {}): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(opts.name ?? 'Sheet1');
  for (const m of opts.meta ?? META) ws.addRow([m]);
  ws.addRow(opts.header ?? header);
  for (const r of rows) ws.addRow(r);
  return ws;
}

const pupilList = (path: string, rows: unknown[][], opts: Parameters<typeof pupilSheet>[2] = {}) => workbook(path, (wb) => pupilSheet(wb, rows, opts));

function zipOf(path: string, members: [string, Buffer | string][], opts: { compress?: boolean } = {}): Promise<string> {
  const z = new yazl.ZipFile();
  for (const [name, data] of members) z.addBuffer(Buffer.isBuffer(data) ? data : Buffer.from(data), name, { compress: opts.compress ?? true, mtime: new Date(Date.UTC(2025, 0, 1)) });
  z.end();
  return new Promise((res, rej) => z.outputStream.pipe(createWriteStream(path)).on('close', () => res(path)).on('error', rej));
}

/** The parts of a zip, in order. */
async function unzipAll(path: string): Promise<[string, Buffer][]> {
  const zip = await new Promise<yauzl.ZipFile>((res, rej) => yauzl.open(path, { lazyEntries: true }, (e, z) => (e ? rej(e) : res(z!))));
  const out: [string, Buffer][] = [];
  await new Promise<void>((res, rej) => {
    zip.on('entry', (e: yauzl.Entry) => zip.openReadStream(e, (err, s) => {
      if (err) return rej(err);
      const chunks: Buffer[] = [];
      s!.on('data', (c: Buffer) => chunks.push(c)).on('end', () => {
        out.push([e.fileName, Buffer.concat(chunks)]);
        zip.readEntry();
      });
    }));
    zip.on('end', () => res());
    zip.on('error', rej);
    zip.readEntry();
  });
  return out;
}

/** Rewrite a workbook's parts: edit returns the new text, or null to drop the part. */
async function rezip(path: string, edit: (name: string, text: string) => string | Buffer | null, add: [string, Buffer | string][] = []): Promise<string> {
  const parts = (await unzipAll(path)).flatMap(([name, data]): [string, Buffer | string][] => {
    if (name.endsWith('/')) return [];
    const next = edit(name, data.toString('utf8'));
    if (next === null) return [];
    return [[name, typeof next === 'string' && next === data.toString('utf8') ? data : next]];
  });
  return zipOf(path, [...parts, ...add]);
}

/** Central-directory records of a zip: where each starts, and its member's local header. */
function centralRecords(bytes: Buffer): { at: number; local: number; name: string }[] {
  const eocd = bytes.lastIndexOf(Buffer.from('504b0506', 'hex'));
  const out: { at: number; local: number; name: string }[] = [];
  let at = bytes.readUInt32LE(eocd + 16);
  for (let i = 0; i < bytes.readUInt16LE(eocd + 10); i++) {
    const n = bytes.readUInt16LE(at + 28);
    out.push({ at, local: bytes.readUInt32LE(at + 42), name: bytes.subarray(at + 46, at + 46 + n).toString('latin1') });
    at += 46 + n + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
  }
  return out;
}

/** Rename a member in place (same length: yazl itself refuses unsafe names). */
function renameMember(path: string, from: string, to: string): string {
  expect(to.length).toBe(from.length);
  writeFileSync(path, Buffer.from(readFileSync(path).toString('latin1').replaceAll(from, to), 'latin1'));
  return path;
}

async function sheetjs(path: string, bookType: XLSX.BookType): Promise<string> {
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet([...META.map((m) => [m]), header, good]), 'Sheet1');
  writeFileSync(path, XLSX.write(wb, { type: 'buffer', bookType }) as Buffer);
  return path;
}

// ---- running one input through ingest and reading what it left ----

interface FileRow {
  file_sha256: string;
  file_name: string;
  status: string;
  message: string | null;
  rows_read: number;
  rows_accepted: number;
  rows_rejected: number;
  rows_ignored: number;
  staging_path: string | null;
  raw_path: string;
  form: string | null;
}

interface RejectRow {
  file_sha256: string;
  file_name: string;
  sheet: string | null;
  row_number: number | null;
  column_letter: string | null;
  value: string | null;
  reason: string;
  code: string;
  severity: string;
}

interface Ingested {
  home: string;
  /** the input's own record */
  top: FileRow;
  files: FileRow[];
  rejects: RejectRow[];
  /** raw.<form> rows by file hash */
  rawRows: Map<string, Record<string, unknown>[]>;
}

type Activities = typeof import('../../workflows/ingest/activities.js');
let activities: Activities | undefined;

/** parseFile then loadFile, as ingestBatch runs them, bundle members after their bundle. */
async function ingest(home: string, path: string): Promise<Ingested> {
  activities ??= await fromDist<Activities>('workflows/ingest/activities.js');
  process.env.THONGKE_HOME = home;
  const env = new MockActivityEnvironment();
  const queue: { path: string; displayName?: string }[] = [{ path }];
  for (let i = 0; i < queue.length; i++) {
    const parsed: ParseResult = await env.run(activities.parseFile, queue[i]!);
    await env.run(activities.loadFile as (p: ParseResult) => Promise<unknown>, parsed);
    for (const m of parsed.members ?? []) queue.push({ path: m.path, displayName: m.name });
  }
  const sha = createHash('sha256').update(readFileSync(path)).digest('hex');
  const { withWarehouse } = await dist.db();
  return withWarehouse(join(home, 'warehouse.duckdb'), async (wh) => {
    const files = (await wh.rowsJson('select * from ops.files order by load_seq')) as unknown as FileRow[];
    const rejects = (await wh.rowsJson('select * from ops.rejects order by file_name, sheet, row_number, column_letter, code')) as unknown as RejectRow[];
    const rawRows = new Map<string, Record<string, unknown>[]>();
    const tables = await wh.rows<{ table_name: string }>(`select distinct table_name from information_schema.columns where table_schema = 'raw' and column_name = 'file_sha256'`);
    for (const { table_name } of tables) {
      for (const r of await wh.rowsJson(`select * from raw."${table_name}"`)) rawRows.set(String(r.file_sha256), [...(rawRows.get(String(r.file_sha256)) ?? []), r]);
    }
    return { home, top: files.find((f) => f.file_sha256 === sha)!, files, rejects, rawRows };
  }, { readOnly: true });
}

/** What holds for every kind: counts add up, refused files leave nothing but the lake copy and the reason. */
function nothingHalfStored(r: Ingested, input: string): void {
  expect(r.top, 'the input has its ops.files row').toBeDefined();
  // the lake keeps the original, byte for byte
  expect(readFileSync(join(r.home, r.top.raw_path)).equals(readFileSync(input))).toBe(true);
  // no temporary file anywhere
  expect(readdirSync(r.home, { recursive: true }).map(String).filter((p) => p.endsWith('.tmp'))).toEqual([]);
  for (const f of r.files) {
    expect(Number(f.rows_read), f.file_name).toBe(Number(f.rows_accepted) + Number(f.rows_rejected) + Number(f.rows_ignored));
    const raw = r.rawRows.get(f.file_sha256) ?? [];
    if (f.status === 'rejected') {
      expect(f.message, f.file_name).toContain(`Tệp ${f.file_name}`);
      expect(f.staging_path).toBeNull();
      expect(raw).toEqual([]);
      expect(Number(f.rows_accepted)).toBe(0);
    } else if (f.status === 'loaded' || f.status === 'superseded') {
      expect(raw.length).toBe(Number(f.rows_accepted));
      expect(existsSync(join(r.home, f.staging_path!))).toBe(true);
    }
    // rejected rows are the rows with an error in ops.rejects
    const errorRows = new Set(r.rejects.filter((x) => x.file_sha256 === f.file_sha256 && x.severity === 'error' && x.row_number !== null).map((x) => `${x.sheet}:${x.row_number}`));
    if (f.status !== 'bundle') expect(errorRows.size, f.file_name).toBe(Number(f.rows_rejected));
  }
  for (const x of r.rejects) {
    expect(x.file_name).toBeTruthy();
    expect(x.reason.length).toBeGreaterThan(5);
    // a finding about a cell says where it is
    if (x.row_number !== null) expect([x.sheet, x.column_letter].every((v) => v !== null) || x.code === 'missing_column' || x.code === 'bad_title_block').toBe(true);
  }
}

// ---- the kinds ----

type Outcome = 'tệp bị từ chối' | 'dòng bị từ chối' | 'giữ, có cảnh báo' | 'đọc đúng' | 'tệp trong gói bị từ chối';

interface Kind {
  /** what the input is (English, the test's name) */
  kind: string;
  outcome: Outcome;
  /** words of the Vietnamese message (literal): in ops.files.message for a refused file, else in a finding */
  says: string;
  make: (dir: string) => Promise<string> | string;
  check?: (r: Ingested) => void;
}

const fileSays = (r: Ingested, says: string) => expect(r.top.message).toContain(says);
/** the findings of the file(s) other than the bundle itself */
const findings = (r: Ingested, code?: string) => r.rejects.filter((x) => !code || x.code === code);

const KINDS: Kind[] = [
  // not a workbook at all
  { kind: 'a zero-byte file', outcome: 'tệp bị từ chối', says: 'tệp rỗng (0 byte)', make: (d) => (writeFileSync(join(d, 'rong.xlsx'), ''), join(d, 'rong.xlsx')) },
  { kind: 'a CSV file named .xlsx', outcome: 'tệp bị từ chối', says: 'là tệp văn bản (CSV) mang đuôi Excel', make: (d) => {
    writeFileSync(join(d, 'ds.xlsx'), `${header.join(',')}\n${good.map((v) => v ?? '').join(',')}\n`);
    return join(d, 'ds.xlsx');
  } },
  { kind: 'an HTML table named .xlsx (a web export)', outcome: 'tệp bị từ chối', says: 'là trang HTML', make: (d) => {
    writeFileSync(join(d, 'web.xlsx'), `<html><body><table><tr>${header.map((h) => `<td>${h}</td>`).join('')}</tr></table></body></html>`);
    return join(d, 'web.xlsx');
  } },
  { kind: 'a PDF named .xlsx', outcome: 'tệp bị từ chối', says: 'không phải tệp Excel .xlsx', make: (d) => (writeFileSync(join(d, 'cv.xlsx'), '%PDF-1.4\n%âãÏÓ\n'), join(d, 'cv.xlsx')) },
  { kind: 'an old Excel 97–2003 .xls (BIFF8)', outcome: 'tệp bị từ chối', says: 'là tệp Excel 97–2003 (.xls)', make: (d) => sheetjs(join(d, 'cu.xls'), 'biff8') },
  { kind: 'a password-protected workbook (encrypted OLE package)', outcome: 'tệp bị từ chối', says: 'có đặt mật khẩu nên không đọc được', make: (d) => {
    const cfb = XLSX.CFB.utils.cfb_new();
    XLSX.CFB.utils.cfb_add(cfb, '/EncryptionInfo', Buffer.from('04000400400000000400000000', 'hex'));
    XLSX.CFB.utils.cfb_add(cfb, '/EncryptedPackage', Buffer.alloc(4096, 0x5a));
    writeFileSync(join(d, 'matkhau.xlsx'), XLSX.CFB.write(cfb, { type: 'buffer' }) as Buffer);
    return join(d, 'matkhau.xlsx');
  } },
  { kind: 'an OpenDocument spreadsheet (.ods)', outcome: 'tệp bị từ chối', says: 'là bảng tính OpenDocument (.ods', make: (d) => sheetjs(join(d, 'libre.ods'), 'ods') },
  { kind: 'an empty zip named .xlsx', outcome: 'tệp bị từ chối', says: 'không phải tệp Excel .xlsx', make: (d) => {
    writeFileSync(join(d, 'zip-rong.xlsx'), Buffer.from('504b0506000000000000000000000000000000000000', 'hex'));
    return join(d, 'zip-rong.xlsx');
  } },
  { kind: 'a truncated workbook (no end of central directory)', outcome: 'tệp bị từ chối', says: 'không đọc được như một tệp Excel (.xlsx)', make: async (d) => {
    const p = await pupilList(join(d, 'cut.xlsx'), [good]);
    writeFileSync(p, readFileSync(p).subarray(0, Math.floor(readFileSync(p).length / 2)));
    return p;
  } },
  { kind: 'a workbook with a corrupt central directory', outcome: 'tệp bị từ chối', says: 'không đọc được như một tệp Excel (.xlsx)', make: async (d) => {
    const p = await pupilList(join(d, 'cd.xlsx'), [good]);
    const bytes = readFileSync(p);
    bytes.writeUInt32LE(0xdeadbeef, centralRecords(bytes)[0]!.at);
    writeFileSync(p, bytes);
    return p;
  } },
  // a workbook damaged inside
  { kind: 'a workbook whose shared strings part is missing', outcome: 'tệp bị từ chối', says: 'tệp thiếu phần xl/sharedStrings.xml', make: async (d) =>
    rezip(await pupilList(join(d, 'sst.xlsx'), [good]), (n, t) => (n === 'xl/sharedStrings.xml' ? null : t)) },
  { kind: 'a workbook whose sheet part is missing', outcome: 'tệp bị từ chối', says: 'trang tính "Sheet1" không có phần dữ liệu', make: async (d) =>
    rezip(await pupilList(join(d, 'nosheet.xlsx'), [good]), (n, t) => (n === 'xl/worksheets/sheet1.xml' ? null : t)) },
  { kind: 'two sheets whose names differ only in case', outcome: 'tệp bị từ chối', says: 'có hai trang tính trùng tên "Sheet1" và "SHEET1"', make: async (d) =>
    rezip(await workbook(join(d, 'dup.xlsx'), (wb) => {
      pupilSheet(wb, [good]);
      pupilSheet(wb, [good], { name: 'Sheet2' });
    }), (n, t) => (n === 'xl/workbook.xml' ? t.replace('name="Sheet2"', 'name="SHEET1"') : t)) },
  { kind: 'a cell beyond Excel’s last column (XFD)', outcome: 'tệp bị từ chối', says: 'nằm ngoài giới hạn cột của Excel (XFD)', make: async (d) =>
    rezip(await pupilList(join(d, 'wide.xlsx'), [good]), (n, t) => (n === 'xl/worksheets/sheet1.xml' ? t.replace('r="L5"', 'r="XFE5"') : t)) },
  { kind: 'a row beyond Excel’s last row (1048576)', outcome: 'tệp bị từ chối', says: 'ngoài giới hạn 1048576 dòng của Excel', make: async (d) =>
    rezip(await pupilList(join(d, 'tall.xlsx'), [good]), (n, t) => (n === 'xl/worksheets/sheet1.xml' ? t.replace('<row r="5"', '<row r="1048577"') : t)) },
  { kind: 'a huge sheet (a sparse last row past the row limit of a list)', outcome: 'tệp bị từ chối', says: 'quá giới hạn 100.000 dòng của một tệp danh sách', make: (d) =>
    workbook(join(d, 'huge.xlsx'), (wb) => {
      const ws = pupilSheet(wb, [good]);
      ws.getRow(150_004).values = withCell('C', 'HS2') as ExcelJS.CellValue[];
    }) },
  { kind: 'a huge sheet whose row after the limit is broken', outcome: 'tệp bị từ chối', says: 'quá giới hạn 100.000 dòng của một tệp danh sách', make: async (d) =>
    rezip(await workbook(join(d, 'huge-broken.xlsx'), (wb) => {
      const ws = pupilSheet(wb, [good]);
      ws.getRow(150_004).values = withCell('C', 'HS2') as ExcelJS.CellValue[];
      ws.getRow(150_005).values = withCell('C', 'HS3') as ExcelJS.CellValue[];
    }), (n, t) => (n === 'xl/worksheets/sheet1.xml' ? t.replace('r="C150005"', 'r="XFE150005"') : t)) },
  { kind: 'a zip bomb inside a workbook (a sheet inflating 1000:1)', outcome: 'tệp bị từ chối', says: 'nghi là tệp "zip bomb"', make: async (d) =>
    rezip(await pupilList(join(d, 'bomb.xlsx'), [good]), (n, t) => (n === 'xl/worksheets/sheet1.xml' ? t.replace('<sheetData>', `<sheetData>${' '.repeat(60 * 1024 * 1024)}`) : t)) },
  { kind: 'a dimension tag lying about the size', outcome: 'đọc đúng', says: '', make: async (d) =>
    rezip(await pupilList(join(d, 'dim.xlsx'), [good, withCell('C', 'HS2'), withCell('C', 'HS3')]), (n, t) => (n === 'xl/worksheets/sheet1.xml' ? t.replace(/<dimension ref="[^"]*"\/>/, '<dimension ref="A1:B2"/>') : t)),
  check: (r) => expect(r.rawRows.get(r.top.file_sha256)!.map((x) => x.pupil_code)).toEqual(['HS1', 'HS2', 'HS3']) },
  // a workbook, but not the form
  { kind: 'an empty workbook', outcome: 'tệp bị từ chối', says: 'không nhận ra biểu mẫu', make: (d) => workbook(join(d, 'trong.xlsx'), (wb) => void wb.addWorksheet('Sheet1')) },
  { kind: 'a workbook of another kind', outcome: 'tệp bị từ chối', says: 'Gần nhất:', make: (d) =>
    workbook(join(d, 'luong.xlsx'), (wb) => void wb.addWorksheet('Bảng lương').addRow(['Họ tên', 'Lương cơ bản', 'Phụ cấp'])) },
  { kind: 'a required column missing', outcome: 'tệp bị từ chối', says: 'trang "Sheet1": thiếu cột bắt buộc "Khối" ở dòng tiêu đề 4', make: (d) =>
    pupilList(join(d, 'thieu-cot.xlsx'), [good.slice(0, 10)], { header: header.slice(0, 10) }) },
  { kind: 'no school code in the title block', outcome: 'tệp bị từ chối', says: 'Mã trường: thiếu giá trị bắt buộc', make: (d) =>
    pupilList(join(d, 'khong-ma.xlsx'), [good], { meta: [META[0]!, META[2]!] }) },
  { kind: 'a school year that is not one', outcome: 'tệp bị từ chối', says: 'Năm học (ô A3): "2025" không phải năm học dạng 2025-2026', make: (d) =>
    pupilList(join(d, 'nam.xlsx'), [good], { meta: [META[0]!, META[1]!, 'Năm học: 2025'] }) },
  { kind: 'the right header, every row rejected', outcome: 'tệp bị từ chối', says: 'cả 2 dòng dữ liệu đều bị từ chối', make: (d) =>
    pupilList(join(d, 'hong-het.xlsx'), [withCell('E', '31/02/2018'), withCell('F', 'Không rõ')]),
  check: (r) => expect(findings(r).filter((x) => x.severity === 'error').map((x) => [x.row_number, x.column_letter, x.code])).toEqual([[5, 'E', 'bad_date'], [6, 'F', 'code_not_in_list']]) },
  // rows and cells
  { kind: 'a header and no rows', outcome: 'đọc đúng', says: 'không có dòng dữ liệu nào dưới dòng tiêu đề 4', make: (d) => pupilList(join(d, 'khong-dong.xlsx'), []),
    check: (r) => fileSays(r, 'không có dòng dữ liệu nào') },
  { kind: 'only blank-looking and total rows', outcome: 'đọc đúng', says: 'không có dòng dữ liệu nào dưới dòng tiêu đề 4', make: (d) => pupilList(join(d, 'tong.xlsx'), [[' '], ['Tổng cộng: 0']]),
    check: (r) => {
      expect(r.top).toMatchObject({ status: 'loaded', rows_read: 2, rows_ignored: 2 });
      fileSays(r, 'không có dòng dữ liệu nào');
    } },
  { kind: 'the header repeated in the middle', outcome: 'đọc đúng', says: '', make: (d) => pupilList(join(d, 'lap.xlsx'), [good, header, withCell('C', 'HS2')]),
    check: (r) => expect(r.top).toMatchObject({ status: 'loaded', rows_read: 3, rows_accepted: 2, rows_ignored: 1 }) },
  { kind: 'formula-injection text (=, +, -, @ first)', outcome: 'giữ, có cảnh báo', says: 'bắt đầu như một công thức; được giữ nguyên là văn bản, không tính', make: (d) =>
    pupilList(join(d, 'inject.xlsx'), ['=cmd|\' /C calc\'!A0', '@SUM(1+1)*cmd|\' /C calc\'!A0', '+1+cmd|\' /C calc\'!A0', '-2+3+cmd|\' /C calc\'!A0']
      .map((name, i) => withCell('D', name, withCell('C', `HS${i + 1}`)))),
  check: (r) => {
    // stored as the text it is, never evaluated; flagged where it is; CSV output opens it as text
    const names = r.rawRows.get(r.top.file_sha256)!.map((x) => String(x.full_name));
    expect(names.map((n) => n[0])).toEqual(['=', '@', '+', '-']);
    expect(findings(r, 'formula_text').map((x) => [x.row_number, x.column_letter, x.severity])).toEqual([[5, 'D', 'warning'], [6, 'D', 'warning'], [7, 'D', 'warning'], [8, 'D', 'warning']]);
    for (const n of names) expect(csvCell(n)).toMatch(/^"?'[=@+-]/);
  } },
  { kind: 'a number with letters in an integer column', outcome: 'dòng bị từ chối', says: '"1a" không phải số nguyên', make: (d) => pupilList(join(d, 'so.xlsx'), [withCell('A', '1a'), withCell('C', 'HS2')]),
    check: (r) => expect(r.top).toMatchObject({ rows_accepted: 1, rows_rejected: 1 }) },
  { kind: 'error cells and markers (#N/A, ?)', outcome: 'dòng bị từ chối', says: 'ô lỗi #N/A', make: (d) =>
    pupilList(join(d, 'loi.xlsx'), [withCell('F', { error: '#N/A' }), withCell('I', '?'), withCell('C', 'HS3')]),
  check: (r) => expect(findings(r, 'invalid_cell').map((x) => [x.row_number, x.column_letter])).toEqual([[5, 'F'], [6, 'I']]) },
  { kind: 'a value outside its code list', outcome: 'dòng bị từ chối', says: '"Sao Hoả" không có trong danh mục', make: (d) => pupilList(join(d, 'dm.xlsx'), [withCell('I', 'Sao Hoả'), withCell('C', 'HS2')]),
    check: (r) => expect(findings(r, 'code_not_in_list').map((x) => [x.row_number, x.column_letter])).toEqual([[5, 'I']]) },
  { kind: 'an impossible date (31/02)', outcome: 'dòng bị từ chối', says: '"31/02/2018" không phải ngày dạng dd/mm/yyyy', make: (d) => pupilList(join(d, 'ngay.xlsx'), [withCell('E', '31/02/2018'), withCell('C', 'HS2')]) },
  { kind: 'a date before 1900', outcome: 'dòng bị từ chối', says: 'ngày "15/03/1899" trước năm 1900', make: (d) => pupilList(join(d, '1899.xlsx'), [withCell('E', '15/03/1899'), withCell('C', 'HS2')]),
    check: (r) => expect(findings(r, 'date_out_of_range').map((x) => [x.row_number, x.column_letter])).toEqual([[5, 'E']]) },
  { kind: 'a date in the future', outcome: 'dòng bị từ chối', says: 'ở tương lai', make: (d) => pupilList(join(d, 'tuonglai.xlsx'), [withCell('E', new Date(Date.UTC(2099, 0, 2))), withCell('C', 'HS2')]),
    check: (r) => expect(findings(r, 'date_out_of_range').map((x) => [x.row_number, x.column_letter])).toEqual([[5, 'E']]) },
  { kind: 'a very long text cell', outcome: 'đọc đúng', says: '', make: (d) => pupilList(join(d, 'dai.xlsx'), [withCell('D', 'Nguyễn '.repeat(3000).trim())]),
    check: (r) => expect(String(r.rawRows.get(r.top.file_sha256)![0]!.full_name)).toHaveLength(7 * 3000 - 1) },
  { kind: 'control characters escaped in the XML', outcome: 'đọc đúng', says: '', make: (d) => pupilList(join(d, 'ctrl.xlsx'), [withCell('D', 'Lê\u0007 Văn B')]),
    check: (r) => expect(r.top).toMatchObject({ status: 'loaded', rows_accepted: 1 }) },
  { kind: 'the data sheet hidden, a visible copy beside it', outcome: 'đọc đúng', says: '', make: (d) => workbook(join(d, 'an.xlsx'), (wb) => {
    pupilSheet(wb, [good, withCell('C', 'HS2')]).state = 'hidden';
    pupilSheet(wb, [withCell('C', 'HS9')], { name: 'Bản sao' });
  }), check: (r) => expect(r.rawRows.get(r.top.file_sha256)!.map((x) => [x.sheet, x.pupil_code])).toEqual([['Bản sao', 'HS9']]) },
  { kind: 'a macro-enabled workbook (.xlsm)', outcome: 'giữ, có cảnh báo', says: 'tệp có macro (VBA); macro không được chạy', make: async (d) =>
    rezip(await pupilList(join(d, 'macro.xlsm'), [good]), (n, t) => (n === '[Content_Types].xml'
      ? t.replace('</Types>', '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>').replace('spreadsheetml.sheet.main+xml', 'sheet.macroEnabled.main+xml')
      : t), [['xl/vbaProject.bin', Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.from('Attribute VB_Name = "Module1"\r\nSub Auto_Open()\r\nShell "calc"\r\nEnd Sub')])]]),
  check: (r) => expect(r.top).toMatchObject({ status: 'loaded', rows_accepted: 1 }) },
  // zip bundles (a commune's files in one .zip)
  { kind: 'a bundle with a corrupt central directory', outcome: 'tệp trong gói bị từ chối', says: 'tệp nén bị hỏng', make: async (d) => {
    const p = await zipOf(join(d, 'hong.zip'), [['Trường A_DanhSachHocSinh.xlsx', 'PK'], ['Trường B_DanhSachHocSinh.xlsx', 'PK']]);
    const bytes = readFileSync(p);
    bytes.writeUInt32LE(0xdeadbeef, centralRecords(bytes)[1]!.at);
    writeFileSync(p, bytes);
    return p;
  } },
  { kind: 'a zip bomb bundle', outcome: 'tệp trong gói bị từ chối', says: 'giải nén ra quá lớn (52 MB', make: (d) => zipOf(join(d, 'bom.zip'), [['to.xlsx', Buffer.alloc(50 * 1024 * 1024, 0)]]) },
  { kind: 'a bundle member named with "../"', outcome: 'tệp trong gói bị từ chối', says: 'tên tệp có đường dẫn không an toàn', make: async (d) =>
    renameMember(await zipOf(join(d, 'dotdot.zip'), [['AA/AA/etc/evil.xlsx', 'PK']]), 'AA/AA/etc/evil.xlsx', '../../etc/evil.xlsx'),
  check: (r) => expect(existsSync(join(r.home, '..', '..', 'etc', 'evil.xlsx'))).toBe(false) },
  { kind: 'a bundle member with an absolute path', outcome: 'tệp trong gói bị từ chối', says: 'tên tệp có đường dẫn không an toàn', make: async (d) =>
    renameMember(await zipOf(join(d, 'abs.zip'), [['Aetc/evil.xlsx', 'PK']]), 'Aetc/evil.xlsx', '/etc/evil.xlsx') },
  { kind: 'a bundle member with a drive letter', outcome: 'tệp trong gói bị từ chối', says: 'tên tệp có đường dẫn không an toàn', make: async (d) =>
    renameMember(await zipOf(join(d, 'drive.zip'), [['CC/x/evil.xlsx', 'PK']]), 'CC/x/evil.xlsx', 'C:\\x\\evil.xlsx') },
  { kind: 'zips nested deeper than two levels', outcome: 'tệp trong gói bị từ chối', says: 'tệp nén lồng quá 2 tầng', make: async (d) => {
    const inner = await zipOf(join(d, 'inner.zip'), [[`${SCHOOL}_DanhSachHocSinh.xlsx`, readFileSync(await pupilList(join(d, 'a.xlsx'), [good]))]]);
    const deeper = await zipOf(join(d, 'deeper.zip'), [['inner.zip', readFileSync(inner)]]);
    return zipOf(join(d, 'outer.zip'), [['deeper.zip', readFileSync(deeper)]]);
  } },
  { kind: 'non-Excel members in a bundle (.pdf, .docx)', outcome: 'tệp trong gói bị từ chối', says: 'không phải tệp Excel (.xlsx) nên không được nạp (đuôi .pdf)', make: (d) =>
    zipOf(join(d, 'giay.zip'), [['Công văn.pdf', '%PDF-1.4'], ['Tờ trình.docx', 'PK']]),
  check: (r) => expect(findings(r, 'bundle_member')).toHaveLength(2) },
  { kind: 'an .xls member in a bundle', outcome: 'tệp trong gói bị từ chối', says: 'là tệp Excel 97–2003 (.xls); hãy mở bằng Excel', make: (d) =>
    zipOf(join(d, 'xls.zip'), [['Trường C_DanhSachHocSinh.xls', Buffer.from('d0cf11e0a1b11ae1', 'hex')]]) },
  { kind: 'a password-protected member in a bundle', outcome: 'tệp trong gói bị từ chối', says: 'tệp trong gói nén có đặt mật khẩu', make: async (d) => {
    const p = await zipOf(join(d, 'khoa.zip'), [[`${SCHOOL}_DanhSachHocSinh.xlsx`, 'PK'.repeat(100)]]);
    const bytes = readFileSync(p);
    for (const rec of centralRecords(bytes)) {
      bytes.writeUInt16LE(bytes.readUInt16LE(rec.at + 8) | 1, rec.at + 8); // general purpose flag: encrypted
      bytes.writeUInt16LE(bytes.readUInt16LE(rec.local + 6) | 1, rec.local + 6);
    }
    writeFileSync(p, bytes);
    return p;
  } },
  { kind: 'a bundle with no workbook in it', outcome: 'tệp bị từ chối', says: 'không có tệp Excel nào để nạp', make: (d) =>
    zipOf(join(d, 'rong.zip'), [['__MACOSX/._a.xlsx', 'x'], ['Thumbs.db', 'x']]),
  check: (r) => expect(r.top).toMatchObject({ status: 'bundle', rows_read: 2, rows_ignored: 2 }) },
  { kind: 'a bundle member whose name says another school', outcome: 'giữ, có cảnh báo', says: 'tên tệp nói đơn vị "Trường Tiểu học Khác" nhưng nội dung là "Trường Tiểu học Thử"', make: async (d) =>
    zipOf(join(d, 'ten.zip'), [['Trường Tiểu học Khác_DanhSachHocSinh.xlsx', readFileSync(await pupilList(join(d, 'a.xlsx'), [good]))]]),
  check: (r) => {
    const member = r.files.find((f) => f.file_name === 'ten.zip/Trường Tiểu học Khác_DanhSachHocSinh.xlsx')!;
    expect(member).toMatchObject({ status: 'loaded', rows_accepted: 1 });
    expect(findings(r, 'file_name_unit').map((x) => [x.file_name, x.sheet, x.row_number, x.column_letter, x.severity])).toEqual([[member.file_name, 'Sheet1', 1, 'A', 'warning']]);
  } },
  { kind: 'a bundle with two files for the same school and form', outcome: 'giữ, có cảnh báo', says: 'được thay bằng tệp hai.zip/Bản 2/', make: async (d) =>
    zipOf(join(d, 'hai.zip'), [
      [`Bản 1/${SCHOOL}_DanhSachHocSinh.xlsx`, readFileSync(await pupilList(join(d, 'a.xlsx'), [good]))],
      [`Bản 2/${SCHOOL}_DanhSachHocSinh.xlsx`, readFileSync(await pupilList(join(d, 'b.xlsx'), [good, withCell('C', 'HS2')]))],
    ]),
  check: (r) => {
    expect(r.files.map((f) => [f.file_name, f.status])).toEqual([['hai.zip', 'bundle'], [`hai.zip/Bản 1/${SCHOOL}_DanhSachHocSinh.xlsx`, 'superseded'], [`hai.zip/Bản 2/${SCHOOL}_DanhSachHocSinh.xlsx`, 'loaded']]);
    expect(r.files[1]!.message).toBe(`Tệp hai.zip/Bản 1/${SCHOOL}_DanhSachHocSinh.xlsx: được thay bằng tệp hai.zip/Bản 2/${SCHOOL}_DanhSachHocSinh.xlsx (cùng mẫu hs_danh_sach, trường 190544301, năm học 2025-2026); chỉ tệp mới được tính.`);
    // the names match the content: no name warning
    expect(findings(r, 'file_name_unit')).toEqual([]);
  } },
];

/** Where a kind's words must be: the file's own message, or one of the findings (rows, members). */
function saysIt(r: Ingested, k: Kind): void {
  if (!k.says) return;
  if (k.outcome === 'tệp bị từ chối' || k.outcome === 'đọc đúng') {
    expect(r.top.status).toBe(k.outcome === 'tệp bị từ chối' ? (r.top.status === 'bundle' ? 'bundle' : 'rejected') : 'loaded');
    expect(r.top.message).toContain(k.says);
    return;
  }
  const where = [...r.rejects.map((x) => x.reason), ...r.files.map((f) => f.message ?? '')];
  expect(where.some((w) => w.includes(k.says)), `"${k.says}" in ${JSON.stringify(where)}`).toBe(true);
  if (k.outcome === 'dòng bị từ chối') {
    const hit = r.rejects.find((x) => x.reason.includes(k.says))!;
    expect([hit.severity, hit.sheet, typeof hit.row_number, typeof hit.column_letter]).toEqual(['error', 'Sheet1', 'number', 'string']);
  }
  if (k.outcome === 'tệp trong gói bị từ chối') {
    expect(r.top.status).toBe('bundle');
    const hit = r.rejects.find((x) => x.reason.includes(k.says))!;
    expect(hit.reason).toContain(`Tệp nén ${r.top.file_name}`);
    expect(r.top.message).toMatch(/tệp bị từ chối\.$/);
  }
}

/** The README's table of kinds, as this list says it should read. */
export function readmeTable(): string {
  const cell = (s: string) => s.replaceAll('|', '\\|');
  return ['| Đầu vào | Kết quả | Thông báo (trích) |', '|---|---|---|',
    ...KINDS.map((k) => `| ${cell(k.kind)} | ${k.outcome} | ${k.says ? `“…${cell(k.says)}…”` : '—'} |`)].join('\n');
}

describe('bad input, kind by kind', () => {
  afterAll(() => void delete process.env.THONGKE_HOME);

  test('at least 30 kinds, each once', () => {
    expect(new Set(KINDS.map((k) => k.kind)).size).toBe(KINDS.length);
    expect(KINDS.filter((k) => k.outcome !== 'đọc đúng').length).toBeGreaterThanOrEqual(30);
  });

  test.each(KINDS.map((k) => [k.kind, k] as const))('%s', async (_, k) => {
    const home = tempHome('bad-input-');
    const input = await k.make(tempHome('bad-input-src-'));
    const r = await ingest(home, input);
    nothingHalfStored(r, input);
    saysIt(r, k);
    k.check?.(r);
  }, 120_000);

  test('README lists every kind with its outcome and words', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const block = /<!-- bad-input-kinds -->\n([\s\S]*?)\n<!-- \/bad-input-kinds -->/.exec(readme)?.[1];
    expect(block).toBe(readmeTable());
  });
});
