// Parse one workbook against the form layouts (forms/layouts), streaming, and write the lake files:
// accepted rows → lake/staging/<form>/<period>/<sha>.parquet (with file hash, sheet, row number),
// rejected cells → lake/rejects/<form>/<period>/<sha>.parquet. Returns counts and paths only.
// Runs inside a worker thread (parse-thread.ts) so the activity's event loop keeps heartbeating.
import ExcelJS from 'exceljs';
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { listForms, rawColumnNames, type FormLayout, type FormColumn, type FormMeta } from '../../forms/layout.js';
import { readCell, cellText } from '../../forms/cells.js';
import { fold, columnLetter } from '../../forms/text.js';
import { lake, tempBeside } from '../../warehouse/lake.js';
import { quotedString } from '../../warehouse/sql.js';
import type { ParseResult } from './types.js';

/** Bump when parsing changes what lands in the lake, so cached parse manifests are redone. */
export const PARSER_VERSION = 1;

export interface ParseWorkbookInput {
  home: string;
  /** The file to read (the lake copy). */
  path: string;
  fileName: string;
  sha256: string;
  rawPath: string;
  onProgress?: (rowsRead: number) => void;
}

interface Reject {
  sheet: string;
  row: number;
  column: string | null;
  header: string | null;
  value: string | null;
  reason: string;
}

interface Match {
  layout: FormLayout;
  sheet: string;
  headerRow: number;
  columns: Map<number, FormColumn>;
  meta: Map<string, string>;
  metaCells: Map<string, { row: number; col: number }>;
}

function rowTexts(values: unknown[]): string[] {
  const out: string[] = [];
  for (let c = 1; c < values.length; c++) out[c] = cellText(values[c]);
  return out;
}

/** The row is the header of `layout` if every recognising column's header (any variant) is in it. */
function headerColumns(layout: FormLayout, texts: string[]): Map<number, FormColumn> | undefined {
  const folded = texts.map((t) => (t ? fold(t) : ''));
  const columns = new Map<number, FormColumn>();
  for (let c = 1; c < folded.length; c++) {
    if (!folded[c]) continue;
    const col = layout.columns.find((k) => k.headers.some((h) => fold(h) === folded[c]));
    if (col && ![...columns.values()].includes(col)) columns.set(c, col);
  }
  const found = new Set([...columns.values()].map((c) => c.key));
  return layout.recognise.every((k) => found.has(k)) ? columns : undefined;
}

/** Title-block cells like "Mã trường: 19001" or "Mã trường" | "19001". */
function collectMeta(layout: FormLayout, texts: string[], row: number, match: Pick<Match, 'meta' | 'metaCells'>): void {
  for (let c = 1; c < texts.length; c++) {
    const t = texts[c];
    if (!t) continue;
    for (const m of layout.meta) {
      const label = fold(m.label);
      const ft = fold(t);
      if (match.meta.has(m.key)) continue;
      if (ft.startsWith(`${label}:`)) {
        match.meta.set(m.key, t.slice(t.indexOf(':') + 1).trim());
        match.metaCells.set(m.key, { row, col: c });
      } else if (ft === label || ft === `${label}:`) {
        const next = texts.slice(c + 1).find((x) => x);
        if (next) {
          match.meta.set(m.key, next);
          match.metaCells.set(m.key, { row, col: c + 1 });
        }
      }
    }
  }
}

function isBlank(texts: string[]): boolean {
  return texts.every((t) => !t);
}

function isTotalRow(texts: string[]): boolean {
  const first = texts.find((t) => t);
  return first !== undefined && /^(tong cong|tong so|cong)\b/.test(fold(first));
}

export async function parseWorkbook(input: ParseWorkbookInput): Promise<ParseResult> {
  const layouts = listForms();
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

  let match: Match | undefined;
  const accepted: (string | null)[][] = [];
  const rejects: Reject[] = [];
  const rejectedRows = new Set<number>();
  let rowsRead = 0;
  let rowsIgnored = 0;

  let reader: ExcelJS.stream.xlsx.WorkbookReader;
  try {
    reader = new ExcelJS.stream.xlsx.WorkbookReader(input.path, {
      sharedStrings: 'cache',
      hyperlinks: 'ignore',
      styles: 'cache',
      worksheets: 'emit',
    });
    for await (const worksheet of reader) {
      const ws = worksheet as unknown as AsyncIterable<ExcelJS.Row> & { name?: string; id?: number };
      const sheetName = ws.name ?? `Sheet${ws.id ?? ''}`;
      if (match) {
        // Only the first sheet carrying a form is data; later sheets (code lists) are reference.
        for await (const _row of ws) void _row;
        continue;
      }
      const pending = new Map<string, Pick<Match, 'meta' | 'metaCells'>>(layouts.map((l) => [l.form, { meta: new Map(), metaCells: new Map() }]));
      let here: Match | undefined;
      let colIndex: (number | undefined)[] = [];
      for await (const row of ws) {
        const texts = rowTexts(row.values as unknown[]);
        if (!here) {
          if (row.number > Math.max(...layouts.map((l) => l.headerSearchRows))) continue;
          for (const layout of layouts) {
            const cols = headerColumns(layout, texts);
            const meta = pending.get(layout.form)!;
            if (cols) {
              here = { layout, sheet: sheetName, headerRow: row.number, columns: cols, ...meta };
              const byColumn = new Map([...cols.entries()].map(([i, c]) => [c, i]));
              colIndex = layout.columns.map((c) => byColumn.get(c));
              break;
            }
            collectMeta(layout, texts, row.number, meta);
          }
          continue;
        }
        // a data row
        rowsRead++;
        if (rowsRead % 2000 === 0) input.onProgress?.(rowsRead);
        if (isBlank(texts) || isTotalRow(texts) || headerColumns(here.layout, texts)) {
          rowsIgnored++;
          continue;
        }
        const values = row.values as unknown[];
        const out: (string | null)[] = [input.sha256, sheetName, String(row.number)];
        let bad = false;
        for (const [k, col] of here.layout.columns.entries()) {
          const idx = colIndex[k];
          if (idx === undefined) {
            out.push(null);
            continue;
          }
          const r = readCell(col, values[idx]);
          if (r.ok) out.push(r.value);
          else {
            bad = true;
            out.push(null);
            rejects.push({ sheet: sheetName, row: row.number, column: columnLetter(idx), header: col.headers[0]!, value: texts[idx] || null, reason: r.reason });
          }
        }
        if (bad) rejectedRows.add(row.number);
        else accepted.push(out);
      }
      if (here) match = here;
    }
  } catch (e) {
    return { ...base, message: `Tệp ${input.fileName}: không đọc được như một tệp Excel (.xlsx) — ${(e as Error).message}. Hãy mở tệp bằng Excel và lưu lại dưới dạng .xlsx.` };
  }

  if (!match) {
    const names = layouts.map((l) => `${l.form} (${l.title})`).join('; ');
    return { ...base, message: `Tệp ${input.fileName}: không nhận ra biểu mẫu — không tìm thấy dòng tiêu đề cột của mẫu nào trong ${Math.max(...layouts.map((l) => l.headerSearchRows))} dòng đầu của các trang tính. Các mẫu đã biết: ${names}.` };
  }

  const { layout } = match;
  // columns the layout requires but the header lacks: every data row is rejected for it
  const missing = layout.columns.filter((c) => c.required && ![...match.columns.values()].includes(c));
  // the title block: school, year
  const meta = new Map<string, string | null>();
  const metaProblems: string[] = [];
  for (const m of layout.meta) {
    const raw = match.meta.get(m.key);
    const r = readCell({ ...m, codelist: undefined, pattern: undefined } as Pick<FormColumn, 'type' | 'required'> & FormMeta, raw ?? null);
    if (r.ok) meta.set(m.key, r.value);
    else {
      const cell = match.metaCells.get(m.key);
      metaProblems.push(`${m.label}${cell ? ` (ô ${columnLetter(cell.col)}${cell.row})` : ''}: ${r.reason}`);
    }
  }
  const fileProblem = missing.length
    ? `thiếu cột bắt buộc ${missing.map((c) => `"${c.headers[0]}"`).join(', ')} ở dòng tiêu đề ${match.headerRow}`
    : metaProblems.length
      ? `phần đầu trang tính thiếu hoặc sai: ${metaProblems.join('; ')}`
      : null;

  const period = meta.get('school_year') ?? 'unknown';
  const schoolCode = meta.get('school_code') ?? null;
  const stagingRel = lake.staging(layout.form, period, input.sha256);
  const rejectsRel = lake.rejects(layout.form, period, input.sha256);

  if (fileProblem) {
    // the whole sheet is rejected; each data row is kept in the rejects with the reason
    for (const r of accepted) rejects.push({ sheet: match.sheet, row: Number(r[2]), column: null, header: null, value: null, reason: fileProblem });
    for (const r of accepted) rejectedRows.add(Number(r[2]));
    accepted.length = 0;
  }

  const metaKeys = layout.meta.map((m) => m.key);
  const rows = accepted.map((r) => [...r.slice(0, 3), ...metaKeys.map((k) => meta.get(k) ?? null), ...r.slice(3)]);
  const columnNames = rawColumnNames(layout);
  await writeLakeFiles(join(input.home, stagingRel), columnNames, rows, join(input.home, rejectsRel), input, rejects);

  const result: ParseResult = {
    ...base,
    status: fileProblem ? 'rejected' : 'parsed',
    message: fileProblem ? `Tệp ${input.fileName}, trang "${match.sheet}": ${fileProblem}.` : null,
    form: layout.form,
    formVersion: layout.version,
    period,
    schoolCode,
    rowsRead,
    rowsAccepted: rows.length,
    rowsRejected: rejectedRows.size,
    rowsIgnored,
    stagingPath: stagingRel,
    rejectsPath: rejectsRel,
  };
  if (result.rowsRead !== result.rowsAccepted + result.rowsRejected + result.rowsIgnored) {
    throw new Error(`row counts do not add up for ${input.fileName}: ${JSON.stringify(result)}`);
  }
  return result;
}

/** Write both Parquet files with an in-memory DuckDB (appender → COPY), each atomically. */
async function writeLakeFiles(stagingPath: string, columns: string[], rows: (string | null)[][], rejectsPath: string, input: ParseWorkbookInput, rejects: Reject[]): Promise<void> {
  const db = await DuckDBInstance.create(':memory:', { threads: '1' });
  const con = await db.connect();
  try {
    await con.run(`create table accepted (${columns.map((c) => `"${c}" varchar`).join(', ')})`);
    const app = await con.createAppender('accepted');
    for (const r of rows) {
      for (const v of r) {
        if (v === null) app.appendNull();
        else app.appendVarchar(v);
      }
      app.endRow();
    }
    app.closeSync();
    await con.run(`create table rejects (file_sha256 varchar, file_name varchar, sheet varchar, row_number integer, column_letter varchar, column_header varchar, value varchar, reason varchar)`);
    const rej = await con.createAppender('rejects');
    for (const r of rejects) {
      rej.appendVarchar(input.sha256);
      rej.appendVarchar(input.fileName);
      rej.appendVarchar(r.sheet);
      rej.appendInteger(r.row);
      for (const v of [r.column, r.header, r.value]) {
        if (v === null) rej.appendNull();
        else rej.appendVarchar(v);
      }
      rej.appendVarchar(r.reason);
      rej.endRow();
    }
    rej.closeSync();
    for (const [table, target, order] of [['accepted', stagingPath, 'row_number::integer'], ['rejects', rejectsPath, 'row_number, column_letter']] as const) {
      await mkdir(dirname(target), { recursive: true });
      const tmp = tempBeside(target);
      try {
        await con.run(`copy (select * from ${table} order by ${order}) to ${quotedString(tmp)} (format parquet, compression zstd)`);
        await rename(tmp, target);
      } catch (e) {
        await rm(tmp, { force: true });
        throw e;
      }
    }
  } finally {
    con.closeSync();
    db.closeSync();
  }
}
