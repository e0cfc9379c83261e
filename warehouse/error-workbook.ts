// The error workbook of a school (issue 5): what the Sở sends back. For one school and period, every
// file it sent (not superseded), and per source sheet the school's own rows that were rejected or
// warned, as typed (read back from the original in lake/raw, so a rejected row loses nothing), with
// a "Lý do" column and the offending cells filled (red: rejected, yellow: warning); a summary sheet
// with the files' counts, the findings that name no row, and the count per rule. In Vietnamese.
// The public variant masks personal cells (names, birth dates, personal ids: forms/layouts
// `personal`) and such values in the reasons, for publishing.
import ExcelJS from 'exceljs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Warehouse } from './db.js';
import { tempBeside } from './lake.js';
import { listLayouts } from '../forms/layout.js';
import { columnLetter } from '../forms/text.js';
import { readOriginalRows, type SheetColumns } from './original-rows.js';
import { listRules } from './rules.js';

export interface ErrorWorkbookOptions {
  /** only this period (school year, e.g. "2025-2026"); default: every period */
  period?: string;
  /** only this school (its code in the files); default: every school with findings */
  school?: string;
  /** default: $THONGKE_HOME/lake/error-workbooks (…-public for the masked variant) */
  outDir?: string;
  /** mask personal cells and values (the publishable variant) */
  mask?: boolean;
}

export interface WrittenWorkbook {
  period: string;
  school: string;
  path: string;
  files: number;
  /** findings in the workbook (rows and whole-file) */
  findings: number;
  /** school rows shown on the source sheets */
  rows: number;
}

interface FileRow {
  file_sha256: string;
  file_name: string;
  form: string | null;
  period: string;
  school_code: string;
  status: string;
  message: string | null;
  rows_read: number;
  rows_accepted: number;
  rows_rejected: number;
  rows_ignored: number;
  raw_path: string;
}

interface RejectRow {
  file_sha256: string;
  sheet: string | null;
  row_number: number | null;
  column_letter: string | null;
  value: string | null;
  reason: string;
  code: string | null;
  severity: string | null;
}

const FILL = { error: 'FFFFC7CE', warning: 'FFFFEB9C' } as const;
const MASK = '***';
const SEVERITY_VI: Record<string, string> = { error: 'Lỗi (dòng bị từ chối)', warning: 'Cảnh báo (dòng được giữ)' };
const STATUS_VI: Record<string, string> = { loaded: 'đã nạp', rejected: 'bị từ chối cả tệp' };

const fill = (argb: string): ExcelJS.Fill => ({ type: 'pattern', pattern: 'solid', fgColor: { argb } });

/** Excel sheet names: at most 31 characters, none of []:*?/\, unique in the workbook. */
function sheetName(wanted: string, used: Set<string>): string {
  const base = wanted.replace(/[[\]:*?/\\]/g, '-').slice(0, 28) || 'Trang';
  let name = base;
  for (let i = 2; used.has(name.toLowerCase()); i++) name = `${base.slice(0, 27)} (${i})`;
  used.add(name.toLowerCase());
  return name;
}

/** Dates and long digit strings (birth dates, personal ids) and the masked cells' texts, out of a text. */
function maskText(text: string, secrets: string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 3) out = out.split(s).join(MASK);
  return out
    .replace(/\b\d{1,2}\/\d{1,2}\/\d{4}\b/g, MASK)
    .replace(/\b\d{4}-\d{2}-\d{2}\b/g, MASK)
    .replace(/\b\d{9,}\b/g, MASK);
}

const isListForm = (form: string | null) => !!form && listLayouts().some((l) => l.form === form);

/** Which sheet columns (1-based) hold personal data; a list whose header was not found: all of them. */
function personalColumns(form: string | null, sc: SheetColumns | undefined, width: number): Set<number> {
  if (!isListForm(form)) return new Set();
  if (!sc || sc.headerRow === null) return new Set(Array.from({ length: width }, (_, i) => i + 1));
  return new Set(sc.columns.flatMap((c, i) => (c?.personal ? [i] : [])));
}

/** Write one workbook per school and period that has findings. */
export async function writeErrorWorkbooks(wh: Warehouse, home: string, opts: ErrorWorkbookOptions = {}): Promise<WrittenWorkbook[]> {
  const outDir = opts.outDir ?? join(home, 'lake', opts.mask ? 'error-workbooks-public' : 'error-workbooks');
  const files = await wh.rows<FileRow>(
    `select file_sha256, file_name, form, period, school_code, status, message, rows_read, rows_accepted, rows_rejected, rows_ignored, raw_path
     from ops.files
     where school_code is not null and period is not null and status in ('loaded', 'rejected')
       and ($1::varchar is null or period = $1) and ($2::varchar is null or school_code = $2)
     order by period, school_code, file_name`,
    [opts.period ?? null, opts.school ?? null],
  );
  const groups = new Map<string, FileRow[]>();
  for (const f of files) groups.set(`${f.period}\u0000${f.school_code}`, [...(groups.get(`${f.period}\u0000${f.school_code}`) ?? []), f]);
  const written: WrittenWorkbook[] = [];
  for (const group of groups.values()) {
    const shas = group.map((f) => f.file_sha256);
    const rejects = await wh.rows<RejectRow>(
      `select file_sha256, sheet, row_number, column_letter, value, reason, code, severity from ops.rejects
       where list_contains($1::varchar[], file_sha256) order by file_sha256, sheet, row_number, column_letter`,
      [`[${shas.join(',')}]`],
    );
    const whole = group.filter((f) => f.status === 'rejected' && f.message);
    if (!rejects.length && !whole.length) continue;
    const { period, school_code: school } = group[0]!;
    const path = join(outDir, period, `${school}.xlsx`);
    const counts = await writeOne(home, path, group, rejects, opts.mask === true);
    written.push({ period, school, path, files: group.length, ...counts });
  }
  return written;
}

/**
 * The publishable variant: the same workbooks with personal cells (names, birth dates, personal ids)
 * and such values in the reasons masked ("***"). Default folder: lake/error-workbooks-public.
 */
export async function writePublicErrorWorkbooks(wh: Warehouse, home: string, opts: Omit<ErrorWorkbookOptions, 'mask'> = {}): Promise<WrittenWorkbook[]> {
  return writeErrorWorkbooks(wh, home, { ...opts, mask: true });
}

async function writeOne(home: string, path: string, files: FileRow[], rejects: RejectRow[], mask: boolean): Promise<{ findings: number; rows: number }> {
  const wb = new ExcelJS.Workbook();
  const used = new Set<string>();
  const { period, school_code: school } = files[0]!;
  const summary = wb.addWorksheet(sheetName('Tóm tắt', used));
  const titles = new Map(listRules().map((r) => [r.code, r.title]));
  let shownRows = 0;
  const fileLevel: { file: string; sheet: string | null; severity: string; code: string; reason: string }[] = [];

  for (const f of files) {
    const mine = rejects.filter((r) => r.file_sha256 === f.file_sha256);
    const byRow = mine.filter((r) => r.sheet !== null && r.row_number !== null);
    for (const r of mine.filter((x) => x.sheet === null || x.row_number === null)) {
      fileLevel.push({ file: f.file_name, sheet: r.sheet, severity: r.severity ?? 'error', code: r.code ?? '', reason: r.reason });
    }
    if (f.status === 'rejected' && f.message) fileLevel.push({ file: f.file_name, sheet: null, severity: 'error', code: 'file', reason: f.message });
    const wanted = new Map<string, Set<number>>();
    for (const r of byRow) wanted.set(r.sheet!, (wanted.get(r.sheet!) ?? new Set()).add(r.row_number!));
    if (!wanted.size) continue;
    const sheets = await readOriginalRows(join(home, f.raw_path), f.form, wanted).catch(() => new Map<string, SheetColumns>());
    for (const [sheet, rowNumbers] of wanted) {
      const sc = sheets.get(sheet);
      const width = Math.max(1, sc?.headers.length ?? 0, ...[...(sc?.rows.values() ?? [])].map((t) => t.length)) - 1;
      const personal = personalColumns(f.form, sc, width);
      const ws = wb.addWorksheet(sheetName(sheet, used));
      ws.addRow([`Tệp: ${f.file_name} — trang "${sheet}"${sc?.headerRow ? ` (dòng tiêu đề ${sc.headerRow})` : ''}`]).font = { bold: true };
      const headers = Array.from({ length: width }, (_, i) => sc?.headers[i + 1] || `Cột ${columnLetter(i + 1)}`);
      const head = ws.addRow(['Dòng', ...headers, 'Mức', 'Lý do']);
      head.font = { bold: true };
      for (const n of [...rowNumbers].sort((a, b) => a - b)) {
        const findings = byRow.filter((r) => r.sheet === sheet && r.row_number === n);
        const texts = sc?.rows.get(n) ?? [];
        const cells = Array.from({ length: width }, (_, i) => texts[i + 1] ?? '');
        const secrets = cells.filter((_, i) => personal.has(i + 1));
        const shown = cells.map((t, i) => (mask && personal.has(i + 1) && t ? MASK : t));
        const worst = findings.some((r) => r.severity !== 'warning') ? 'error' : 'warning';
        const reasons = findings.map((r) => (mask ? maskText(r.reason, secrets) : r.reason)).join('\n');
        const row = ws.addRow([n, ...shown, SEVERITY_VI[worst], reasons]);
        row.alignment = { vertical: 'top', wrapText: false };
        row.getCell(width + 3).alignment = { vertical: 'top', wrapText: true };
        // the offending cells: red where any finding on the cell rejects the row, else yellow
        const worstAt = new Map<number, 'error' | 'warning'>();
        for (const r of findings) {
          const col = r.column_letter ? letterNumber(r.column_letter) : 0;
          if (col > 0 && worstAt.get(col) !== 'error') worstAt.set(col, r.severity === 'warning' ? 'warning' : 'error');
        }
        for (const [col, sev] of worstAt) row.getCell(col + 1).fill = fill(FILL[sev]);
        shownRows++;
      }
      ws.getColumn(width + 3).width = 100;
      ws.views = [{ state: 'frozen', ySplit: 2 }];
    }
  }

  // the summary: the files, whole-file findings, and the count per rule
  summary.addRow([`Báo cáo lỗi dữ liệu — trường ${school}, năm học ${period}`]).font = { bold: true, size: 14 };
  summary.addRow(['Mỗi trang sau là một trang trong tệp trường đã gửi: chỉ các dòng có lỗi hoặc cảnh báo, ô có vấn đề được tô màu (đỏ: lỗi, dòng bị từ chối; vàng: cảnh báo, dòng vẫn được nhận), lý do ở cột "Lý do".']);
  summary.addRow([]);
  summary.addRow(['Tệp', 'Mẫu', 'Kết quả', 'Số dòng đọc', 'Nhận', 'Từ chối', 'Bỏ qua']).font = { bold: true };
  for (const f of files) summary.addRow([f.file_name, f.form ?? '–', STATUS_VI[f.status] ?? f.status, Number(f.rows_read), Number(f.rows_accepted), Number(f.rows_rejected), Number(f.rows_ignored)]);
  if (fileLevel.length) {
    summary.addRow([]);
    summary.addRow(['Lỗi và cảnh báo của cả tệp hoặc cả trang']).font = { bold: true };
    summary.addRow(['Tệp', 'Trang', 'Mức', 'Mã', 'Lý do']).font = { bold: true };
    for (const x of fileLevel) {
      const row = summary.addRow([x.file, x.sheet ?? '', SEVERITY_VI[x.severity] ?? x.severity, x.code, mask ? maskText(x.reason, []) : x.reason]);
      row.getCell(3).fill = fill(FILL[x.severity === 'warning' ? 'warning' : 'error']);
    }
  }
  const byCode = new Map<string, { severity: string; n: number }>();
  for (const r of rejects) {
    const k = `${r.code ?? ''}\u0000${r.severity ?? 'error'}`;
    byCode.set(k, { severity: r.severity ?? 'error', n: (byCode.get(k)?.n ?? 0) + 1 });
  }
  summary.addRow([]);
  summary.addRow(['Mã', 'Mức', 'Số lần', 'Nội dung']).font = { bold: true };
  for (const [k, v] of [...byCode].sort((a, b) => b[1].n - a[1].n)) {
    const code = k.split('\u0000')[0]!;
    summary.addRow([code, SEVERITY_VI[v.severity] ?? v.severity, v.n, titles.get(code) ?? '']);
  }
  summary.getColumn(1).width = 60;
  summary.getColumn(5).width = 100;

  await mkdir(dirname(path), { recursive: true });
  const tmp = tempBeside(path);
  try {
    await wb.xlsx.writeFile(tmp);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  return { findings: rejects.length + files.filter((f) => f.status === 'rejected' && f.message).length, rows: shownRows };
}

/** "A" → 1, "AB" → 28. */
function letterNumber(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}
