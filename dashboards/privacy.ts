// What must never be published, and the check that it was not. The personal columns are the ones
// the form layouts mark `personal: true` (forms/layouts/*.json, their one home); the scan reads
// their values from raw.<form> and looks for each of them in every file of a built site
// (Parquet files through DuckDB and Excel workbooks through exceljs, since both are compressed).
import { readFileSync, readdirSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { join, relative } from 'node:path';
import { listLayouts } from '../forms/layout.js';
import { nfc } from '../forms/text.js';
import { readOriginalRows, type SheetColumns } from '../warehouse/original-rows.js';
import type { Warehouse } from '../warehouse/db.js';
import { qualified, quotedIdentifier, quotedString } from '../warehouse/sql.js';
import { SMALL_CELL_THRESHOLD } from './format.js';

/** raw.<form> → its personal column keys, from every layout (variants included). */
export function personalColumns(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const layout of listLayouts()) {
    const keys = out.get(layout.form) ?? [];
    for (const c of layout.columns) if (c.personal && !keys.includes(c.key)) keys.push(c.key);
    if (keys.length) out.set(layout.form, keys);
  }
  return out;
}

/** A count column by the house naming rule (count_*): suppressed below the threshold. */
export function isCountColumn(name: string): boolean {
  return name.startsWith('count_');
}

/** SQL for a published count: 1 … threshold−1 becomes null (Parquet) — zero stays zero. */
export function suppressedSql(expr: string): string {
  return `case when ${expr} between 1 and ${SMALL_CELL_THRESHOLD - 1} then null else ${expr} end`;
}

/**
 * A reason for people with the values taken out: what it quotes (the rejected value, which can be a
 * name or a birth date), long digit runs (personal ids, pupil codes) and dates, wherever they stand.
 */
export function reasonWithoutValueSql(column: string): string {
  return `regexp_replace(regexp_replace(regexp_replace(${column}, '"[^"]*"', '…', 'g'), '[0-9]{6,}', '…', 'g'), '[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}|[0-9]{4}-[0-9]{2}-[0-9]{2}', '…', 'g')`;
}

export interface PersonalValues {
  /** long digit runs: personal ids, pupil codes */
  codes: Set<string>;
  /** birth dates, in the ISO and the dd/mm/yyyy spelling */
  dates: Set<string>;
  /** full names (NFC), matched as runs of 2–6 words */
  names: Set<string>;
}

/**
 * Every value of every personal column in the warehouse, sorted by how to find it; with `home`,
 * also those of the rejected rows, which never reached raw.<form> and live only in the original
 * workbooks in the lake (the error workbooks copy those rows).
 */
export async function personalValues(wh: Warehouse, home?: string): Promise<PersonalValues> {
  const values: PersonalValues = { codes: new Set(), dates: new Set(), names: new Set() };
  const tables = new Set((await wh.rows<{ t: string }>(`select table_name as t from duckdb_tables() where schema_name = 'raw'`)).map((r) => r.t));
  for (const [form, keys] of personalColumns()) {
    if (!tables.has(form)) continue;
    const union = keys.map((k) => `select distinct ${quotedIdentifier(k)}::varchar as v from ${qualified('raw', form)}`).join(' union ');
    for (const { v } of await wh.rows<{ v: string }>(`select v from (${union}) where v is not null and length(trim(v)) >= 4`)) addValue(values, v);
  }
  if (home !== undefined) await addRejectedRows(wh, home, values);
  return values;
}

async function addRejectedRows(wh: Warehouse, home: string, values: PersonalValues): Promise<void> {
  const rows = await wh.rows<{ raw_path: string; form: string | null; sheet: string; row_number: number }>(
    `select distinct files.raw_path, files.form, rejects.sheet, rejects.row_number
     from ops.rejects as rejects inner join ops.files as files on files.file_sha256 = rejects.file_sha256
     where rejects.sheet is not null and rejects.row_number is not null and files.raw_path is not null
     order by 1, 3, 4`);
  const byFile = new Map<string, { form: string | null; wanted: Map<string, Set<number>> }>();
  for (const r of rows) {
    const f = byFile.get(r.raw_path) ?? { form: r.form, wanted: new Map<string, Set<number>>() };
    f.wanted.set(r.sheet, (f.wanted.get(r.sheet) ?? new Set()).add(Number(r.row_number)));
    byFile.set(r.raw_path, f);
  }
  for (const [path, f] of byFile) {
    const sheets = await readOriginalRows(join(home, path), f.form, f.wanted).catch(() => new Map<string, SheetColumns>());
    for (const sc of sheets.values()) {
      const personal = sc.columns.flatMap((c, i) => (c?.personal ? [i] : []));
      for (const cells of sc.rows.values()) for (const i of personal) {
        const v = cells[i];
        if (v && v.trim().length >= 4) addValue(values, v);
      }
    }
  }
}

export function addValue(values: PersonalValues, raw: string): void {
  const v = nfc(raw.trim().replace(/\s+/g, ' '));
  const iso = /^(\d{4})-(\d{2})-(\d{2})/.exec(v);
  if (iso) {
    values.dates.add(`${iso[1]}-${iso[2]}-${iso[3]}`);
    values.dates.add(`${iso[3]}/${iso[2]}/${iso[1]}`);
  } else if (/^\d+$/.test(v)) values.codes.add(v);
  else if (/\p{L}/u.test(v)) values.names.add(v);
  else values.codes.add(v);
}

export interface Leak {
  file: string;
  value: string;
}

const DIGITS = /\d+/g;
const DATES = /\d{4}-\d{2}-\d{2}|\d{2}\/\d{2}\/\d{4}/g;
const WORDS = /[\p{L}\p{M}]+/gu;

/** The personal values found in one text, each once. */
export function findPersonal(text: string, values: PersonalValues): string[] {
  const found = new Set<string>();
  if (values.codes.size) for (const m of text.matchAll(DIGITS)) if (values.codes.has(m[0])) found.add(m[0]);
  if (values.dates.size) for (const m of text.matchAll(DATES)) if (values.dates.has(m[0])) found.add(m[0]);
  if (values.names.size) {
    const words = [...nfc(text).matchAll(WORDS)].map((m) => m[0]);
    for (let i = 0; i < words.length; i++) {
      let phrase = words[i]!;
      for (let n = 2; n <= 6 && i + n <= words.length; n++) {
        phrase += ` ${words[i + n - 1]}`;
        if (values.names.has(phrase)) found.add(phrase);
      }
    }
  }
  return [...found];
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name)).sort();
}

/** Every cell of a workbook as text (values, formula results, rich text), sheet names too. */
export async function workbookText(file: string): Promise<string> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const out: string[] = [];
  wb.eachSheet((ws) => {
    out.push(ws.name);
    ws.eachRow({ includeEmpty: false }, (row) => row.eachCell({ includeEmpty: false }, (cell) => {
      const v = cell.value;
      if (v instanceof Date) out.push(v.toISOString().slice(0, 10));
      else out.push(cell.text);
    }));
  });
  return out.join('\n');
}

/** Scan every file under dir; Parquet files are read back through DuckDB, workbooks through exceljs. */
export async function scanSite(wh: Warehouse, dir: string, values?: PersonalValues): Promise<Leak[]> {
  const personal = values ?? (await personalValues(wh));
  const leaks: Leak[] = [];
  for (const file of filesUnder(dir)) {
    let text: string;
    if (file.endsWith('.parquet')) {
      const rows = await wh.rowsJson(`select * from read_parquet(${quotedString(file)})`);
      text = rows.map((r) => Object.values(r).join('\t')).join('\n');
    } else if (file.endsWith('.xlsx')) text = await workbookText(file);
    else text = readFileSync(file, 'utf8');
    for (const value of findPersonal(text, personal)) leaks.push({ file: relative(dir, file), value });
  }
  return leaks;
}
