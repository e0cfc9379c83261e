// Parse one workbook against the form layouts (forms/layouts), streaming, and write the lake files:
// accepted rows → lake/staging/<form>/<period>/<sha>.parquet (with file hash, sheet, row number),
// rejected cells → lake/rejects/<form>/<period>/<sha>.parquet. Returns counts and paths only.
// Runs inside a worker thread (parse-thread.ts) so the activity's event loop keeps heartbeating.
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { listForms, listLayouts, rawColumnNames, type FormLayout, type FormColumn } from '../../forms/layout.js';
import { readCell, cellText } from '../../forms/cells.js';
import { fold, columnLetter } from '../../forms/text.js';
import { lake } from '../../warehouse/lake.js';
import type { ParseResult } from './types.js';
import { openXlsx, XlsxError, type XlsxRow, type XlsxWorkbook } from './xlsx-reader.js';
import { writeLakeFiles, type Finding } from './lake-writer.js';
import { parseGridWorkbook } from './parse-grid.js';
import { checkTotalRow } from './total-row.js';

/** Bump when parsing changes what lands in the lake, so cached parse manifests are redone. */
export const PARSER_VERSION = 4;

export interface ParseWorkbookInput {
  home: string;
  /** The file to read (the lake copy). */
  path: string;
  fileName: string;
  sha256: string;
  rawPath: string;
  onProgress?: (rowsRead: number) => void;
}

type Reject = Finding;

interface SheetMatch {
  layout: FormLayout;
  sheet: string;
  headerRow: number;
  /** sheet column number of each layout column (undefined: not in this file) */
  colIndex: (number | undefined)[];
  /** title-block values read above the header row, and where they were */
  meta: Map<string, { text: string; row: number; col: number }>;
}

function rowTexts(values: unknown[]): string[] {
  const out: string[] = [];
  for (let c = 1; c < values.length; c++) out[c] = cellText(values[c]);
  return out;
}

/** Which layout columns a row's cells name (any header variant), by sheet column. */
// folded header texts of each layout, computed once (folding is the hot spot of parsing)
const foldedHeaders = new WeakMap<FormLayout, { headers: Set<string>; byColumn: Map<FormColumn, string[]> }>();
function headersOf(layout: FormLayout) {
  let h = foldedHeaders.get(layout);
  if (!h) {
    const byColumn = new Map(layout.columns.map((c) => [c, c.headers.map(fold)] as const));
    h = { headers: new Set([...byColumn.values()].flat()), byColumn };
    foldedHeaders.set(layout, h);
  }
  return h;
}

/** A data row that may be the header again: its first text (folded) names a column (checked in full only then). */
function mayBeHeader(layout: FormLayout, firstFolded: string): boolean {
  return headersOf(layout).headers.has(firstFolded);
}

function headerColumns(layout: FormLayout, folded: string[]): Map<number, FormColumn> {
  const columns = new Map<number, FormColumn>();
  const used = new Set<string>();
  const { byColumn } = headersOf(layout);
  for (let c = 1; c < folded.length; c++) {
    if (!folded[c]) continue;
    const col = layout.columns.find((k) => !used.has(k.key) && byColumn.get(k)!.includes(folded[c]!));
    if (col) {
      columns.set(c, col);
      used.add(col.key);
    }
  }
  return columns;
}

/** The row is a header of `layout` when every recognising column is there. */
function isHeaderOf(layout: FormLayout, cols: Map<number, FormColumn>): boolean {
  const found = new Set([...cols.values()].map((c) => c.key));
  return layout.recognise.every((k) => found.has(k));
}

/** Title-block cells like "Mã trường: 19001", or "Mã trường" | "19001"; `folded` is the row's texts folded. */
const foldedLabels = new Map<string, string>();
function collectMeta(layout: FormLayout, texts: string[], folded: string[], row: number, meta: SheetMatch['meta']): void {
  for (let c = 1; c < texts.length; c++) {
    const t = texts[c];
    if (!t) continue;
    const ft = folded[c]!;
    for (const m of layout.meta) {
      if (meta.has(m.key)) continue;
      let label = foldedLabels.get(m.label);
      if (label === undefined) foldedLabels.set(m.label, (label = fold(m.label)));
      if (ft.startsWith(`${label}:`)) meta.set(m.key, { text: t.slice(t.indexOf(':') + 1).trim(), row, col: c });
      else if (ft === label) {
        const next = texts.findIndex((x, i) => i > c && x);
        if (next > 0) meta.set(m.key, { text: texts[next]!, row, col: next });
      }
    }
  }
}

/** A row's first non-empty text, folded ('' for a blank row): tells total rows and repeated headers. */
function firstFolded(texts: string[]): string {
  const first = texts.find((t) => t);
  return first === undefined ? '' : fold(first);
}

function isTotalRow(first: string): boolean {
  return /^(tong cong|tong so|cong)\b/.test(first);
}

/** Data rows a list file may carry (a school's list is a few thousand): beyond, the sheet is refused. */
export const MAX_DATA_ROWS = 100_000;

type FileKind = 'zip' | 'xls' | 'encrypted' | 'empty' | 'html' | 'csv' | 'other';

/** What the bytes say: a zip (xlsx), an OLE compound file (.xls, or a password-protected xlsx), text, or other. */
function fileKind(path: string): FileKind {
  const fd = openSync(path, 'r');
  try {
    const { size } = fstatSync(fd);
    if (size === 0) return 'empty';
    const buffer = Buffer.alloc(4096);
    const bytesRead = readSync(fd, buffer, 0, 4096, 0);
    const head = buffer.subarray(0, bytesRead);
    if (bytesRead >= 4 && head.readUInt32LE(0) === 0x04034b50) return 'zip';
    if (bytesRead >= 8 && head.subarray(0, 8).toString('hex') === 'd0cf11e0a1b11ae1') {
      // an encrypted .xlsx is an OLE file with an "EncryptedPackage" stream (its directory names are UTF-16)
      const all = size <= 64 * 1024 * 1024 ? readFileSync(fd) : head;
      return all.includes(Buffer.from('EncryptedPackage', 'utf16le')) ? 'encrypted' : 'xls';
    }
    if (head.includes(0)) return 'other';
    const text = head.toString('utf8').replace(/^\uFEFF/, '').trimStart().toLowerCase();
    if (text.startsWith('<') && /<(html|table)\b/.test(text)) return 'html';
    const firstLine = text.split(/\r?\n/, 1)[0]!;
    return /[,;\t]/.test(firstLine) ? 'csv' : 'other';
  } finally {
    closeSync(fd);
  }
}

const RESAVE = 'Hãy mở tệp bằng Excel, chọn Tệp → Lưu thành → "Sổ làm việc Excel (*.xlsx)" và gửi lại.';

/** Why a file that is not an .xlsx cannot be read, and what to do (Vietnamese). */
function notXlsxMessage(kind: Exclude<FileKind, 'zip'>, fileName: string): string {
  switch (kind) {
    case 'empty': return `Tệp ${fileName}: tệp rỗng (0 byte) — hãy gửi lại tệp có nội dung.`;
    case 'xls': return `Tệp ${fileName}: là tệp Excel 97–2003 (.xls) — hệ thống chỉ đọc .xlsx. ${RESAVE}`;
    case 'encrypted': return `Tệp ${fileName}: có đặt mật khẩu nên không đọc được. Hãy mở bằng Excel, bỏ mật khẩu (Tệp → Thông tin → Bảo vệ sổ làm việc → Mã hoá bằng mật khẩu: để trống), lưu lại rồi gửi lại.`;
    case 'html': return `Tệp ${fileName}: là trang HTML (bảng xuất từ trang web) mang đuôi Excel, không phải sổ tính .xlsx. ${RESAVE}`;
    case 'csv': return `Tệp ${fileName}: là tệp văn bản (CSV) mang đuôi Excel, không phải sổ tính .xlsx. ${RESAVE}`;
    case 'other': return `Tệp ${fileName}: không phải tệp Excel .xlsx (nội dung không phải định dạng sổ tính). Hãy xuất lại từ phần mềm dưới dạng .xlsx.`;
  }
}

/** "<bundle>.zip/…/<unit>_<form>.xlsx": the unit the member's name claims, folded for comparison. */
function claimedUnit(fileName: string): string | null {
  if (!/\.zip\//i.test(fileName)) return null;
  const base = fileName.split('/').pop()!.replace(/\.[^.]+$/, '');
  const i = base.lastIndexOf('_');
  return i > 0 ? base.slice(0, i) : null;
}

const compact = (s: string) => fold(s).replace(/[^a-z0-9]/g, '');

interface Candidate {
  layout: FormLayout;
  score: number;
}

/** What a list parse collects over the sheets of a file. */
interface ListParse {
  layouts: FormLayout[];
  searchRows: number;
  /** the layout of the first header found: later sheets are read against it only */
  chosen: FormLayout | undefined;
  sheets: SheetMatch[];
  /** rows kept per data sheet: sheet index, row number, values by layout column */
  accepted: { sheet: number; row: number; values: (string | null)[] }[];
  rejects: Reject[];
  rejectedRows: Set<string>;
  rowsRead: number;
  rowsIgnored: number;
  best: Candidate[];
  tooLong: { sheet: string; row: number } | undefined;
  onProgress?: (rowsRead: number) => void;
}

/** One sheet being read: its candidate layouts until its header is found, then its match. */
interface SheetRead {
  name: string;
  candidates: FormLayout[];
  metas: Map<string, SheetMatch['meta']>;
  here: SheetMatch | undefined;
  /** data rows so far (neither blank, nor total, nor a repeated header) */
  records: number;
}

/**
 * Rows of a sheet as they come, one inflated chunk at a time: a plain loop over plain functions
 * (the per-row work inside the async parseWorkbook made V8 recompile that large function again and
 * again: a fifth of the parser's CPU went to its compiler threads). False: stop reading (too long).
 */
function takeRows(p: ListParse, s: SheetRead, rows: XlsxRow[]): boolean {
  for (const row of rows) {
    if (!s.here) {
      if (row.number <= p.searchRows) searchHeader(p, s, row.number, rowTexts(row.values));
      continue;
    }
    if (row.number - s.here.headerRow > MAX_DATA_ROWS) {
      p.tooLong = { sheet: s.name, row: row.number };
      return false;
    }
    dataRow(p, s, s.here, row);
  }
  return true;
}

/** A row above the header: each candidate's score and title block, and the header when this is it. */
function searchHeader(p: ListParse, s: SheetRead, rowNumber: number, texts: string[]): void {
  const folded = texts.map((t) => (t ? fold(t) : ''));
  let top: { layout: FormLayout; cols: Map<number, FormColumn> } | undefined;
  for (const layout of s.candidates) {
    const cols = headerColumns(layout, folded);
    const score = cols.size / layout.columns.length;
    const seen = p.best.find((b) => b.layout === layout);
    if (!seen) p.best.push({ layout, score });
    else seen.score = Math.max(seen.score, score);
    if (isHeaderOf(layout, cols) && (!top || cols.size > top.cols.size)) top = { layout, cols };
    collectMeta(layout, texts, folded, rowNumber, s.metas.get(layout.id)!);
  }
  if (!top) return;
  const byKey = new Map([...top.cols.entries()].map(([i, c]) => [c.key, i]));
  s.here = { layout: top.layout, sheet: s.name, headerRow: rowNumber, colIndex: top.layout.columns.map((c) => byKey.get(c.key)), meta: s.metas.get(top.layout.id)! };
  p.chosen ??= top.layout;
  p.sheets.push(s.here);
}

/** A row below the header: ignored (blank, total, the header again), accepted, or rejected with its cells' reasons. */
function dataRow(p: ListParse, s: SheetRead, here: SheetMatch, row: XlsxRow): void {
  const texts = rowTexts(row.values);
  p.rowsRead++;
  if (p.rowsRead % 2000 === 0) p.onProgress?.(p.rowsRead);
  const first = firstFolded(texts);
  if (isTotalRow(first)) {
    p.rowsIgnored++;
    const total = checkTotalRow(texts, row.number, s.name, s.records);
    if (total) p.rejects.push(total);
    return;
  }
  if (first === '' || (mayBeHeader(here.layout, first) && isHeaderOf(here.layout, headerColumns(here.layout, texts.map((t) => (t ? fold(t) : '')))))) {
    p.rowsIgnored++;
    return;
  }
  s.records++;
  const values = row.values as unknown[];
  const columns = here.layout.columns;
  const out: (string | null)[] = new Array(columns.length);
  let bad = false;
  for (let k = 0; k < columns.length; k++) {
    const idx = here.colIndex[k];
    if (idx === undefined) {
      out[k] = null;
      continue;
    }
    const col = columns[k]!;
    const r = readCell(col, values[idx], texts[idx] ?? '');
    if (r.ok) {
      out[k] = r.value;
      if (r.warning) p.rejects.push({ severity: 'warning', code: r.warning.code, sheet: s.name, row: row.number, column: columnLetter(idx), header: col.headers[0]!, value: texts[idx] || null, reason: r.warning.reason });
    } else {
      bad = true;
      out[k] = null;
      p.rejects.push({ severity: 'error', code: r.code, sheet: s.name, row: row.number, column: columnLetter(idx), header: col.headers[0]!, value: texts[idx] || null, reason: r.reason });
    }
  }
  if (bad) p.rejectedRows.add(`${p.sheets.length - 1}:${row.number}`);
  else p.accepted.push({ sheet: p.sheets.length - 1, row: row.number, values: out });
}

export async function parseWorkbook(input: ParseWorkbookInput): Promise<ParseResult> {
  const layouts = listLayouts();
  const searchRows = Math.max(...layouts.map((l) => l.headerSearchRows));
  const base: ParseResult = {
    parserVersion: PARSER_VERSION,
    fileName: input.fileName,
    sha256: input.sha256,
    rawPath: input.rawPath,
    status: 'rejected',
    message: null,
    form: null,
    formVersion: null,
    period: null,
    schoolCode: null,
    rowsRead: 0,
    rowsAccepted: 0,
    rowsRejected: 0,
    rowsIgnored: 0,
    stagingPath: null,
    rejectsPath: null,
  };

  const p: ListParse = {
    layouts, searchRows, chosen: undefined, sheets: [], accepted: [], rejects: [], rejectedRows: new Set(),
    rowsRead: 0, rowsIgnored: 0, best: [], tooLong: undefined, onProgress: input.onProgress,
  };

  const kind = fileKind(input.path);
  if (kind !== 'zip') return { ...base, message: notXlsxMessage(kind, input.fileName) };
  let wb: XlsxWorkbook | undefined;
  try {
    wb = await openXlsx(input.path);
    if (wb.hasMacros) p.rejects.push({ severity: 'warning', code: 'macros_ignored', sheet: null, row: null, column: null, header: null, value: null, reason: 'tệp có macro (VBA); macro không được chạy, chỉ đọc giá trị các ô' });
    for (const worksheet of wb.sheets) {
      // hidden sheets (code lists, old copies) are not data
      if (worksheet.hidden) continue;
      // until a header is found, every layout (or, once the form is known, only that one) is a candidate
      const candidates = p.chosen ? [p.chosen] : layouts;
      const sheet: SheetRead = { name: worksheet.name, candidates, metas: new Map(candidates.map((l) => [l.id, new Map()])), here: undefined, records: 0 };
      for await (const rows of worksheet.rowBatches()) if (!takeRows(p, sheet, rows)) break;
      if (p.tooLong) break;
    }
  } catch (e) {
    if (!(e instanceof XlsxError) && !/zip|inflat|end of central directory|invalid|unexpected/i.test(String((e as Error).message))) throw e;
    return { ...base, message: `Tệp ${input.fileName}: không đọc được như một tệp Excel (.xlsx) — ${(e as Error).message}. Hãy mở tệp bằng Excel và lưu lại dưới dạng .xlsx.` };
  } finally {
    wb?.close();
  }
  const { chosen, sheets, accepted, rejects, rejectedRows, rowsRead, rowsIgnored, best, tooLong } = p;

  if (tooLong) {
    return { ...base, message: `Tệp ${input.fileName}, trang "${tooLong.sheet}": có dữ liệu đến dòng ${tooLong.row}, quá giới hạn ${MAX_DATA_ROWS.toLocaleString('vi-VN')} dòng của một tệp danh sách — hãy tách tệp hoặc xoá các dòng thừa ở cuối trang.` };
  }

  if (!chosen) {
    // not a list form: perhaps a statistical return (rows with a row code), forms/grids
    const grid = await parseGridWorkbook(input);
    if (grid.form) return grid;
    const closest = best.filter((b) => b.score > 0).sort((a, b) => b.score - a.score).slice(0, 3)
      .map((b) => `${b.layout.id} (${b.layout.title}; khớp ${Math.round(b.score * 100)}% tên cột)`);
    return {
      ...base,
      message: `Tệp ${input.fileName}: không nhận ra biểu mẫu — không tìm thấy dòng tiêu đề cột của mẫu nào trong ${searchRows} dòng đầu của các trang tính. ${
        closest.length ? `Gần nhất: ${closest.join('; ')}.` : `Các mẫu đã biết: ${listForms().map((l) => l.id).join(', ')}.`}`,
    };
  }

  const layout = chosen;
  const first = sheets[0]!;
  // columns the layout requires but the header lacks
  const missing = layout.columns.filter((c, k) => c.required && first.colIndex[k] === undefined);
  // the title block: school, year (from the first data sheet; a later sheet may add its own, e.g. the class)
  const fileMeta = new Map<string, string | null>();
  const metaProblems: string[] = [];
  for (const m of layout.meta) {
    const found = first.meta.get(m.key);
    const r = readCell({ type: m.type, required: m.required }, found?.text ?? null);
    if (r.ok) fileMeta.set(m.key, r.value);
    else metaProblems.push(`${m.label}${found ? ` (ô ${columnLetter(found.col)}${found.row})` : ''}: ${r.reason}`);
  }
  const dataRows = rowsRead - rowsIgnored;
  const fileProblem = missing.length
    ? `thiếu cột bắt buộc ${missing.map((c) => `"${c.headers[0]}"`).join(', ')} ở dòng tiêu đề ${first.headerRow}`
    : metaProblems.length
      ? `phần đầu trang tính thiếu hoặc sai: ${metaProblems.join('; ')}`
      : dataRows > 0 && accepted.length === 0
        ? `cả ${dataRows} dòng dữ liệu đều bị từ chối (lý do ở từng dòng, cột)`
        : null;

  // a bundle member named "<unit>_<form>" whose title block names another unit: a warning
  const claimed = claimedUnit(input.fileName);
  const named = first.meta.get('school_name');
  if (claimed && named && !compact(named.text).includes(compact(claimed)) && !compact(claimed).includes(compact(named.text))) {
    rejects.push({ severity: 'warning', code: 'file_name_unit', sheet: first.sheet, row: named.row, column: columnLetter(named.col), header: null, value: named.text,
      reason: `tên tệp nói đơn vị "${claimed}" nhưng nội dung là "${named.text}"; tệp vẫn được nạp theo nội dung, hãy kiểm tra lại` });
  }

  const period = fileMeta.get('school_year') ?? 'unknown';
  const schoolCode = fileMeta.get('school_code') ?? null;
  const stagingRel = lake.staging(layout.form, period, input.sha256);
  const rejectsRel = lake.rejects(layout.form, period, input.sha256);

  if (fileProblem) {
    // the whole file is rejected; each data row is kept in the rejects with the reason
    for (const r of accepted) {
      rejects.push({ severity: 'error', code: missing.length ? 'missing_column' : 'bad_title_block', sheet: sheets[r.sheet]!.sheet, row: r.row, column: null, header: null, value: null, reason: fileProblem });
      rejectedRows.add(`${r.sheet}:${r.row}`);
    }
    accepted.length = 0;
  }

  const sheetMeta = sheets.map((sh) => layout.meta.map((m) => {
    const own = sh.meta.get(m.key);
    if (!own || sh === first) return fileMeta.get(m.key) ?? null;
    const r = readCell({ type: m.type, required: false }, own.text);
    return r.ok ? r.value : fileMeta.get(m.key) ?? null;
  }));
  const rows = accepted.map((r) => [input.sha256, sheets[r.sheet]!.sheet, String(r.row), ...sheetMeta[r.sheet]!, ...r.values]);
  // a file refused as a whole leaves no staging file (its rows are in the rejects, with the reason)
  await writeLakeFiles(fileProblem ? null : join(input.home, stagingRel), rawColumnNames(layout), rows, join(input.home, rejectsRel), input, rejects);

  const result: ParseResult = {
    ...base,
    status: fileProblem ? 'rejected' : 'parsed',
    message: fileProblem ? `Tệp ${input.fileName}, trang "${first.sheet}": ${fileProblem}.`
      : dataRows === 0 ? `Tệp ${input.fileName}, trang "${first.sheet}": không có dòng dữ liệu nào dưới dòng tiêu đề ${first.headerRow}.` : null,
    form: layout.form,
    formVersion: layout.version,
    period,
    schoolCode,
    rowsRead,
    rowsAccepted: rows.length,
    rowsRejected: rejectedRows.size,
    rowsIgnored,
    stagingPath: fileProblem ? null : stagingRel,
    rejectsPath: rejectsRel,
  };
  if (result.rowsRead !== result.rowsAccepted + result.rowsRejected + result.rowsIgnored) {
    throw new Error(`row counts do not add up for ${input.fileName}: ${JSON.stringify(result)}`);
  }
  return result;
}

