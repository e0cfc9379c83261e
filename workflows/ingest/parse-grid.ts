// Parse a grid form (forms/grids/*.json: rows = indicators with a row code "Mã số", columns =
// breakdowns) with thongke's streaming reader (xlsx-reader.ts), and write the lake files in long format:
// one row per (row code, column) → lake/staging/<form>/<period>/<sha>.parquet; unreadable cells
// and the form's sum rules that fail → lake/rejects/<form>/<period>/<sha>.parquet.
//
// Conventions (documented in forms/grids/README.md):
// - The form is recognised by content: the header anchor "Mã số" wherever it starts, the row codes
//   with their labels, the title, period text and symbol; the best-scoring layout wins, a tie goes
//   to the regime in force for the school year (TT 25/2024 from 2025-26).
// - The streaming reader does not apply merges (slave cells are empty): a blank header cell
//   continues the cell above when that one started or continued downwards, else the cell to its
//   left; repeated texts down a column collapse, so files with filled merged cells read the same.
// - Numbers may be stored as floats (47.0) or text ("47", "1.234"); a blank cell (or "") is null,
//   never 0; sum rules count null as 0 and are skipped when every term is null.
// - A formula whose cached result is an error (#VALUE! over blank parts, as in the real export's
//   Phòng học sheet) is null with a warning; any other unreadable cell rejects its row.
// - A failing sum rule is a warning: the values are kept and the warning goes to the rejects file
//   with sheet, row, column, a Vietnamese message and the rule (the reason starts "Cảnh báo").
// - The school year comes from the title block ("Năm học: 2020-2021"); failing that from a year in
//   the file name (start year), with a warning; else "unknown".
import { openXlsx, type XlsxWorkbook } from './xlsx-reader.js';
import { writeLakeFiles } from './lake-writer.js';
import { join } from 'node:path';
import { GRID_COLUMNS, formulaParts, listGrids, type GridColumn, type GridLayout, type GridRule, type GridSheet } from '../../forms/grids.js';
import { cellScalar, cellText, readCell } from '../../forms/cells.js';
import { columnLetter, fold } from '../../forms/text.js';
import { lake } from '../../warehouse/lake.js';
import type { ParseWorkbookInput } from './parse-workbook.js';
import type { ParseResult } from './types.js';

/** Bump when grid parsing changes what lands in the lake. */
export const GRID_PARSER_VERSION = 1;

const ANCHOR_SEARCH_ROWS = 40;
const MAX_SHEET_ROWS = 20000;

export interface GridIssue {
  severity: 'error' | 'warning';
  sheet: string;
  row: number | null;
  column: string | null;
  header: string | null;
  value: string | null;
  reason: string;
  rule: string | null;
}

export interface GridCell {
  sheet: string;
  sheetKey: string;
  row: number;
  rowId: string;
  columnKey: string;
  value: number | null;
}

export interface GridRead {
  layout: GridLayout | null;
  /** best candidates, best first: form@version and score */
  candidates: { id: string; score: number }[];
  period: string | null;
  unitCode: string | null;
  unitName: string | null;
  cells: GridCell[];
  issues: GridIssue[];
  rowsRead: number;
  rowsAccepted: number;
  rowsRejected: number;
  rowsIgnored: number;
  message: string | null;
}

interface RawRow {
  number: number;
  values: unknown[];
  texts: string[];
}

interface SheetScan {
  name: string;
  /** title-block texts above the header */
  title: RawRow[];
  anchorRow: number;
  codeCol: number;
  labelCol: number;
  /** folded header path per value column (index ≥ codeCol + 1) */
  paths: Map<number, string[]>;
  headerTexts: Map<number, string>;
  dataStart: number;
  rows: RawRow[];
}

const isAnchor = (t: string) => fold(t) === 'ma so';

/** Labels compare without bullets, spacing around dashes or a trailing colon. */
function labelKey(s: string): string {
  return fold(s).replace(/^[-+•*\s]+/, '').replace(/\s*-\s*/g, '-').replace(/[:.\s]+$/, '');
}

function texts(values: unknown[]): string[] {
  const out: string[] = [];
  for (let c = 1; c < values.length; c++) out[c] = cellText(values[c]);
  return out;
}

/** Header paths of the value columns, resolving merges the streaming reader leaves empty. */
function headerPaths(rows: RawRow[], fromCol: number): { paths: Map<number, string[]>; shown: Map<number, string> } {
  const width = Math.max(...rows.map((r) => r.texts.length));
  const resolved: string[][] = [];
  const kind: ('text' | 'down' | 'right' | 'none')[][] = [];
  rows.forEach((r, i) => {
    resolved[i] = [];
    kind[i] = [];
    for (let c = fromCol; c < width; c++) {
      const t = r.texts[c] ?? '';
      if (t) {
        resolved[i]![c] = t;
        kind[i]![c] = 'text';
      } else if (i > 0 && (kind[i - 1]![c] === 'text' || kind[i - 1]![c] === 'down')) {
        resolved[i]![c] = resolved[i - 1]![c]!;
        kind[i]![c] = 'down';
      } else if (c > fromCol && resolved[i]![c - 1]) {
        resolved[i]![c] = resolved[i]![c - 1]!;
        kind[i]![c] = 'right';
      } else {
        resolved[i]![c] = '';
        kind[i]![c] = 'none';
      }
    }
  });
  const paths = new Map<number, string[]>();
  const shown = new Map<number, string>();
  for (let c = fromCol; c < width; c++) {
    const raw = rows.map((_, i) => resolved[i]![c]!).filter((t) => t);
    if (!raw.length) continue;
    const collapsed = raw.filter((t, i) => i === 0 || fold(t) !== fold(raw[i - 1]!));
    paths.set(c, collapsed.map(fold));
    shown.set(c, collapsed.join(' / '));
  }
  return { paths, shown };
}

function layoutPath(col: GridColumn): string[][] {
  const p = col.path.map((v) => v.map(fold));
  return p.filter((v, i) => i === 0 || !v.some((x) => p[i - 1]!.includes(x)));
}

function pathMatches(have: string[], want: string[][]): boolean {
  return have.length === want.length && want.every((v, i) => v.includes(have[i]!));
}

async function scanWorkbook(path: string): Promise<SheetScan[]> {
  const wb = await openXlsx(path);
  try {
    return await scanSheets(wb);
  } finally {
    wb.close();
  }
}

async function scanSheets(wb: XlsxWorkbook): Promise<SheetScan[]> {
  const scans: SheetScan[] = [];
  for (const ws of wb.sheets) {
    if (ws.hidden) continue;
    const name = ws.name;
    const before: RawRow[] = [];
    let scan: SheetScan | null = null;
    const header: RawRow[] = [];
    let inHeader = false;
    for await (const row of ws.rows()) {
      const values = row.values as unknown[];
      const r: RawRow = { number: row.number, values, texts: texts(values) };
      if (!scan && !inHeader) {
        if (row.number > ANCHOR_SEARCH_ROWS) continue;
        const codeCol = r.texts.findIndex((t) => t && isAnchor(t));
        if (codeCol < 0) {
          before.push(r);
          continue;
        }
        inHeader = true;
        header.push(r);
        scan = { name, title: before, anchorRow: row.number, codeCol, labelCol: 0, paths: new Map(), headerTexts: new Map(), dataStart: 0, rows: [] };
        continue;
      }
      if (!scan) continue;
      if (inHeader) {
        const code = r.texts[scan.codeCol] ?? '';
        // the header ends at the column-number row ("C" under Mã số) or the first row code
        if (fold(code) === 'c' || (code && !isAnchor(code)) || header.length >= 8 || row.number > header[header.length - 1]!.number + 1) {
          inHeader = false;
          if (fold(code) === 'c') {
            scan.dataStart = row.number + 1;
            continue;
          }
          scan.dataStart = row.number;
        } else {
          header.push(r);
          continue;
        }
      }
      if (scan.rows.length >= MAX_SHEET_ROWS) throw new Error(`trang "${name}" có hơn ${MAX_SHEET_ROWS} dòng, quá lớn cho một biểu dạng bảng`);
      scan.rows.push(r);
    }
    if (!scan) continue;
    if (!scan.dataStart) scan.dataStart = header[header.length - 1]!.number + 1;
    const { paths, shown } = headerPaths(header, scan.codeCol + 1);
    scan.paths = paths;
    scan.headerTexts = shown;
    const top = header[0]!.texts;
    const label = top.findIndex((t, c) => c > 0 && c < scan!.codeCol && t && !/^(tt|stt|[ivx]+)$/.test(fold(t)) && !fold(t).startsWith('don vi'));
    scan.labelCol = label > 0 ? label : 2;
    scans.push(scan);
  }
  return scans;
}

interface SheetMatch {
  scan: SheetScan;
  sheet: GridSheet;
  /** column → parts, for totals the export writes as formulas */
  formulas: Map<string, string[]>;
  colOf: Map<string, number>;
  /** rows whose code is in the layout with a matching label */
  agree: number;
}

function matchSheet(scan: SheetScan, sheet: GridSheet): SheetMatch | null {
  const colOf = new Map<string, number>();
  for (const col of sheet.columns) {
    const want = layoutPath(col);
    const hit = [...scan.paths.entries()].find(([c, p]) => ![...colOf.values()].includes(c) && pathMatches(p, want));
    if (!hit) return null;
    colOf.set(col.key, hit[0]);
  }
  const byId = new Map(sheet.rows.filter((r) => !r.heading).map((r) => [r.id, labelKey(r.label)]));
  let agree = 0;
  for (const r of scan.rows) {
    const code = r.texts[scan.codeCol];
    if (code && byId.get(code) === labelKey(r.texts[scan.labelCol] ?? '')) agree++;
  }
  return { scan, sheet, colOf, agree, formulas: formulaParts(sheet) };
}

const YEAR_RE = /(20\d\d)\s*[-–]\s*(20\d\d)/;

function titleFacts(layout: GridLayout, scans: SheetScan[]): { texts: string[]; year: string | null; unitCode: string | null; unitName: string | null } {
  const rows = scans.flatMap((s) => s.title);
  const all = rows.flatMap((r) => r.texts.filter((t) => t));
  let year: string | null = null;
  let unitCode: string | null = null;
  let unitName: string | null = null;
  for (const t of all) {
    const f = fold(t);
    const m = YEAR_RE.exec(t);
    if (!year && m && Number(m[2]) === Number(m[1]) + 1 && layout.schoolYearLabels.some((l) => f.includes(fold(l)))) year = `${m[1]}-${m[2]}`;
    const code = layout.unitCodeLabels.find((l) => f.startsWith(`${fold(l)}:`));
    if (!unitCode && code) unitCode = t.slice(t.indexOf(':') + 1).trim() || null;
  }
  // the reporting unit: after the label's colon, or in the cell below it
  for (const [i, r] of rows.entries()) {
    const c = r.texts.findIndex((t) => t && layout.reportingUnitLabels.some((l) => fold(t).startsWith(fold(l))));
    if (c < 0) continue;
    const after = r.texts[c]!.slice(r.texts[c]!.indexOf(':') + 1).trim();
    const below = rows[i + 1]?.number === r.number + 1 ? rows[i + 1]!.texts[c] : undefined;
    unitName = after || below || null;
    break;
  }
  return { texts: all, year, unitCode, unitName };
}

function score(layout: GridLayout, matches: SheetMatch[], titleTexts: string[]): number {
  const f = titleTexts.map(fold);
  const has = (list: string[]) => list.some((x) => f.some((t) => t.includes(fold(x))));
  const rows = matches.reduce((n, m) => n + m.agree, 0);
  if (!rows) return 0;
  return rows + (has(layout.titles) ? 5 : 0) + (has(layout.periodTexts) ? 5 : 0) + (has([layout.symbol, ...layout.symbolVariants]) ? 20 : 0);
}

/** Read a non-negative number from a value cell, or say why not. */
function readValue(raw: unknown, decimal: boolean): { ok: true; value: number | null } | { ok: false; reason: string } {
  const v = cellScalar(raw);
  if (typeof v === 'string' && v.trim() === '') return { ok: true, value: null };
  if (decimal && typeof v === 'string' && /^\d{1,3}(\.\d{3})*(,\d+)?$|^\d+([.,]\d+)?$/.test(v.trim())) {
    const t = v.trim();
    const n = Number(/,/.test(t) ? t.replace(/\./g, '').replace(',', '.') : t);
    return { ok: true, value: n };
  }
  if (decimal && typeof v === 'number') return v >= 0 ? { ok: true, value: v } : { ok: false, reason: `số âm ${v}` };
  const r = readCell({ type: 'integer', required: false }, raw);
  if (!r.ok) return r;
  if (r.value === null) return { ok: true, value: null };
  const n = Number(r.value);
  return n < 0 ? { ok: false, reason: `số âm ${n}` } : { ok: true, value: n };
}

/**
 * A formula without a usable cached result. The streaming reader drops an error result (the real
 * export's `<v>#VALUE!</v>`) or gives NaN for shared formulas; the full reader gives {error}.
 */
function formulaError(raw: unknown): boolean {
  if (typeof raw !== 'object' || raw === null || !('formula' in raw || 'sharedFormula' in raw)) return false;
  const res = (raw as { result?: unknown }).result;
  return res === undefined || (typeof res === 'number' && Number.isNaN(res)) || (typeof res === 'object' && res !== null && 'error' in res);
}

/**
 * The value of a formula column from its parts (recursively; null when every part is blank),
 * or undefined when the layout gives no parts. exceljs drops a cached 0 or error result, so a
 * formula cell without a result is normal; a blank part counts as 0 unless all are blank.
 */
function resolveFormula(key: string, values: Map<string, number | null>, formulas: Map<string, string[]>, depth = 0): number | null | undefined {
  if (values.has(key)) return values.get(key);
  const parts = formulas.get(key);
  if (!parts || depth > 4) return undefined;
  const got = parts.map((p) => resolveFormula(p, values, formulas, depth + 1));
  if (got.some((v) => v === undefined)) return undefined;
  const value = got.every((v) => v === null) ? null : got.reduce<number>((n, v) => n + (v ?? 0), 0);
  values.set(key, value);
  return value;
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : String(Math.round(n * 1000) / 1000));

function checkRules(m: SheetMatch, values: Map<string, Map<string, number | null>>, rowOf: Map<string, number>, issues: GridIssue[]): void {
  const { sheet, scan } = m;
  const label = new Map(sheet.rows.map((r) => [r.id, r.label.replace(/^[-+]\s*/, '')]));
  const colName = (k: string) => scan.headerTexts.get(m.colOf.get(k)!) ?? k;
  const check = (rule: GridRule, get: (k: string) => number | null, where: { row: number; col: string; header: string }, describe: (k: string) => string, context: string) => {
    const terms = [rule.total, ...rule.parts].map(get);
    if (terms.every((t) => t === null)) return;
    const total = terms[0] ?? 0;
    const sum = terms.slice(1).reduce<number>((n, t) => n + (t ?? 0), 0);
    const bad = rule.kind === 'sum' ? Math.abs(total - sum) > 1e-9 : sum - total > 1e-9;
    if (!bad) return;
    const parts = rule.parts.map((p) => `${describe(p)} (${fmt(get(p) ?? 0)})`).join(' + ');
    const op = rule.kind === 'sum' ? '≠' : '<';
    issues.push({
      severity: 'warning',
      sheet: scan.name,
      row: where.row,
      column: where.col,
      header: where.header,
      value: fmt(total),
      rule: rule.id,
      reason: `Cảnh báo (không từ chối): trang "${scan.name}", dòng ${where.row}, ${context}: ${describe(rule.total)} = ${fmt(total)} ${op} ${fmt(sum)} = ${parts} — quy tắc ${rule.kind === 'sum' ? 'tổng bằng tổng các phần' : 'các phần không vượt quá tổng'} [${rule.id}]${rule.note ? ` (${rule.note})` : ''}.`,
    });
  };
  for (const rule of sheet.rowRules) {
    // a rule over a rejected row (read but not kept) cannot be checked
    if (!rowOf.has(rule.total) || [rule.total, ...rule.parts].some((k) => rowOf.has(k) && !values.has(k))) continue;
    for (const col of sheet.columns) {
      const c = m.colOf.get(col.key)!;
      check(rule, (k) => values.get(k)?.get(col.key) ?? null, { row: rowOf.get(rule.total)!, col: columnLetter(c), header: colName(col.key) }, (k) => `mã số ${k}${label.get(k) ? ` "${label.get(k)}"` : ''}`, `cột ${columnLetter(c)} "${colName(col.key)}"`);
    }
  }
  for (const rule of sheet.columnRules) {
    for (const [id, cells] of values) {
      const c = m.colOf.get(rule.total)!;
      check(rule, (k) => cells.get(k) ?? null, { row: rowOf.get(id)!, col: columnLetter(c), header: colName(rule.total) }, (k) => `cột ${columnLetter(m.colOf.get(k)!)} "${colName(k)}"`, `mã số ${id}`);
    }
  }
}

/** Recognise and read a grid workbook, in memory (no lake). */
export async function readGrid(path: string, fileName: string): Promise<GridRead> {
  const empty: GridRead = { layout: null, candidates: [], period: null, unitCode: null, unitName: null, cells: [], issues: [], rowsRead: 0, rowsAccepted: 0, rowsRejected: 0, rowsIgnored: 0, message: null };
  let scans: SheetScan[];
  try {
    scans = await scanWorkbook(path);
  } catch (e) {
    return { ...empty, message: `Tệp ${fileName}: không đọc được như một tệp Excel (.xlsx) — ${(e as Error).message}. Hãy mở tệp bằng Excel và lưu lại dưới dạng .xlsx.` };
  }
  const ranked = listGrids()
    .map((layout) => {
      const matches: SheetMatch[] = [];
      for (const scan of scans) {
        const best = layout.sheets
          .filter((s) => !matches.some((m) => m.sheet === s))
          .map((s) => matchSheet(scan, s))
          .filter((m): m is SheetMatch => m !== null && m.agree > 0)
          .sort((a, b) => b.agree - a.agree)[0];
        if (best) matches.push(best);
      }
      const facts = titleFacts(layout, scans);
      return { layout, matches, facts, score: score(layout, matches, facts.texts) };
    })
    .filter((c) => c.score > 0);
  const yearOf = (c: (typeof ranked)[number]) => Number((c.facts.year ?? /(20\d\d)/.exec(fileName)?.[1] ?? '0').slice(0, 4));
  // a tie (the same rows under two regimes) goes to the regime in force for the school year
  const inForce = (c: (typeof ranked)[number]) => (c.layout.version.startsWith('tt25') === yearOf(c) >= 2025 ? 1 : 0);
  ranked.sort((a, b) => b.score - a.score || inForce(b) - inForce(a));
  const candidates = ranked.slice(0, 3).map((c) => ({ id: `${c.layout.form}@${c.layout.version}`, score: c.score }));
  const best = ranked[0];
  if (!best) {
    return { ...empty, message: `Tệp ${fileName}: không nhận ra biểu mẫu dạng bảng — không trang nào có cột "Mã số" với các mã số và tên chỉ tiêu của một biểu đã biết (${listGrids().map((g) => g.symbol).join(', ')}).` };
  }
  const { layout, matches, facts } = best;
  const issues: GridIssue[] = [];
  let period = facts.year;
  if (!period) {
    const y = /(?:^|\D)(20\d\d)(?:\D|$)/.exec(fileName)?.[1];
    period = y ? `${y}-${Number(y) + 1}` : 'unknown';
    issues.push({ severity: 'warning', sheet: matches[0]!.scan.name, row: null, column: null, header: null, value: null, rule: null, reason: y ? `Cảnh báo: tệp ${fileName} không ghi năm học trong phần đầu biểu; lấy năm học ${period} từ tên tệp.` : `Cảnh báo: tệp ${fileName} không ghi năm học trong phần đầu biểu và tên tệp không có năm; kỳ báo cáo để "unknown".` });
  }
  for (const s of layout.sheets) {
    if (!matches.some((m) => m.sheet === s)) issues.push({ severity: 'warning', sheet: s.names[0]!, row: null, column: null, header: null, value: null, rule: null, reason: `Cảnh báo: tệp ${fileName} thiếu trang "${s.names[0]}" của biểu ${layout.symbol} (hoặc trang không có đủ các cột ${s.columns.map((c) => `"${c.path.map((p) => p[0]).join(' / ')}"`).join(', ')}).` });
  }
  const cells: GridCell[] = [];
  let rowsRead = 0;
  let rowsAccepted = 0;
  let rowsRejected = 0;
  let rowsIgnored = 0;
  for (const m of matches) {
    const { scan, sheet } = m;
    const byId = new Map(sheet.rows.filter((r) => !r.heading).map((r) => [r.id, r]));
    const values = new Map<string, Map<string, number | null>>();
    const rowOf = new Map<string, number>();
    for (const r of scan.rows) {
      if (r.number < scan.dataStart) continue;
      rowsRead++;
      const code = r.texts[scan.codeCol] ?? '';
      if (!code) {
        rowsIgnored++;
        continue;
      }
      const where = { sheet: scan.name, row: r.number, column: columnLetter(scan.codeCol), header: 'Mã số', value: code, rule: null };
      const row = byId.get(code);
      if (!row) {
        rowsRejected++;
        issues.push({ severity: 'error', ...where, reason: `Tệp ${fileName}, trang "${scan.name}", dòng ${r.number}, cột ${where.column}: mã số "${code}" không có trong biểu ${layout.symbol}.` });
        continue;
      }
      if (rowOf.has(code)) {
        rowsRejected++;
        issues.push({ severity: 'error', ...where, reason: `Tệp ${fileName}, trang "${scan.name}", dòng ${r.number}, cột ${where.column}: mã số "${code}" lặp lại (đã có ở dòng ${rowOf.get(code)}).` });
        continue;
      }
      const got = r.texts[scan.labelCol] ?? '';
      if (labelKey(got) !== labelKey(row.label)) {
        issues.push({ severity: 'warning', ...where, column: columnLetter(scan.labelCol), header: 'Chỉ tiêu', value: got || null, reason: `Cảnh báo: trang "${scan.name}", dòng ${r.number}: mã số ${code} có tên chỉ tiêu "${got}", biểu ${layout.symbol} ghi "${row.label}"; giữ giá trị theo mã số.` });
      }
      const rowValues = new Map<string, number | null>();
      const missing: string[] = [];
      let bad = false;
      for (const col of sheet.columns) {
        const c = m.colOf.get(col.key)!;
        const raw = r.values[c];
        if (formulaError(raw)) {
          missing.push(col.key);
          continue;
        }
        const v = readValue(raw, row.decimal);
        if (v.ok) rowValues.set(col.key, v.value);
        else {
          bad = true;
          issues.push({ severity: 'error', sheet: scan.name, row: r.number, column: columnLetter(c), header: scan.headerTexts.get(c) ?? col.key, value: r.texts[c] || null, rule: null, reason: `Tệp ${fileName}, trang "${scan.name}", dòng ${r.number} (mã số ${code}), cột ${columnLetter(c)} "${scan.headerTexts.get(c) ?? col.key}": ${v.reason}.` });
        }
      }
      // formulas without a cached value: recomputed from their parts (the layout's column sums)
      const unresolved = missing.filter((k) => resolveFormula(k, rowValues, m.formulas) === undefined);
      for (const k of unresolved) rowValues.set(k, null);
      if (unresolved.length) {
        const letters = unresolved.map((k) => columnLetter(m.colOf.get(k)!));
        issues.push({ severity: 'warning', sheet: scan.name, row: r.number, column: letters[0]!, header: null, value: null, rule: null, reason: `Cảnh báo: trang "${scan.name}", dòng ${r.number} (mã số ${code}): các ô công thức ${letters.join(', ')} không có kết quả tính sẵn hoặc kết quả lỗi, và biểu không cho cách tính lại; coi như để trống.` });
      }
      rowOf.set(code, r.number);
      if (bad) {
        rowsRejected++;
        continue;
      }
      rowsAccepted++;
      values.set(code, rowValues);
      for (const [k, v] of rowValues) cells.push({ sheet: scan.name, sheetKey: sheet.key, row: r.number, rowId: code, columnKey: k, value: v });
    }
    checkRules(m, values, rowOf, issues);
  }
  return { layout, candidates, period, unitCode: facts.unitCode, unitName: facts.unitName, cells, issues, rowsRead, rowsAccepted, rowsRejected, rowsIgnored, message: null };
}

/** Parse a grid workbook and write its lake files; same input and result shape as parseWorkbook. */
export async function parseGridWorkbook(input: ParseWorkbookInput): Promise<ParseResult> {
  const read = await readGrid(input.path, input.fileName);
  const base: ParseResult = {
    parserVersion: GRID_PARSER_VERSION,
    fileName: input.fileName,
    sha256: input.sha256,
    rawPath: input.rawPath,
    status: 'rejected',
    message: read.message,
    form: null,
    formVersion: null,
    period: null,
    schoolCode: null,
    rowsRead: read.rowsRead,
    rowsAccepted: read.rowsAccepted,
    rowsRejected: read.rowsRejected,
    rowsIgnored: read.rowsIgnored,
    stagingPath: null,
    rejectsPath: null,
  };
  if (!read.layout) return base;
  const { layout } = read;
  const period = read.period ?? 'unknown';
  const stagingRel = lake.staging(layout.form, period, input.sha256);
  const rejectsRel = lake.rejects(layout.form, period, input.sha256);
  const rows = read.cells.map((c) => [input.sha256, c.sheet, String(c.row), layout.form, layout.version, period, read.unitCode, c.rowId, c.columnKey, c.value === null ? null : fmt(c.value)]);
  await writeGridLake(join(input.home, stagingRel), rows, join(input.home, rejectsRel), input, read.issues);
  input.onProgress?.(read.rowsRead);
  const result: ParseResult = {
    ...base,
    status: 'parsed',
    message: null,
    form: layout.form,
    formVersion: layout.version,
    period,
    schoolCode: read.unitCode,
    stagingPath: stagingRel,
    rejectsPath: rejectsRel,
  };
  if (result.rowsRead !== result.rowsAccepted + result.rowsRejected + result.rowsIgnored) throw new Error(`row counts do not add up for ${input.fileName}: ${JSON.stringify(result)}`);
  return result;
}

/** Both Parquet files (lake-writer.ts); a finding's code is its rule, or "grid". */
async function writeGridLake(stagingPath: string, rows: (string | null)[][], rejectsPath: string, input: ParseWorkbookInput, issues: GridIssue[]): Promise<void> {
  await writeLakeFiles(stagingPath, GRID_COLUMNS, rows, rejectsPath, input, issues.map((i) => ({
    severity: i.severity, code: i.rule ?? 'grid', sheet: i.sheet, row: i.row, column: i.column, header: i.header, value: i.value, reason: i.reason,
  })));
}
