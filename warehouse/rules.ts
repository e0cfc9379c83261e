// Validation rules as SQL, defined once as data: forms/rules/<code>.sql, one rule per file, a
// header of `-- key: value` lines (code, title, severity, scope, forms, regulation, message) then a
// `select` returning the failing rows: file_sha256, sheet, row_number, column_key, value and the
// numbers its message template names ({name}). docs/rules.md is generated from the same files.
//
// scope file: run in the load transaction of a task of files (loader.ts) over those files' rows; an
//   error removes the row from raw.<form> and moves it from accepted to rejected in ops.files. Every
//   `raw.<form>` of the rule's forms is read as the loaded files' rows only (the loader hands over
//   their own Parquet, so the check costs their rows, not the whole table's). A file rule looks at
//   one row at a time, so running it over many files at once finds what it finds in each.
// scope warehouse: run over the current files of all schools after a batch, before the transforms
//   (activities.ts transform); a run replaces the rule's previous findings in ops.rejects.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Warehouse } from './db.js';
import { formsDir, listLayouts } from '../forms/layout.js';
import { listGrids } from '../forms/grids.js';
import { columnLetter } from '../forms/text.js';
import { loadCodelists } from './reference.js';
import { qualified, quotedString } from './sql.js';
import { columnOf, readOriginalRows, type SheetColumns } from './original-rows.js';

export type Severity = 'error' | 'warning';
export type Scope = 'file' | 'warehouse';

export interface Rule {
  code: string;
  /** short Vietnamese name (docs, error workbook summary) */
  title: string;
  severity: Severity;
  scope: Scope;
  /** raw.<form> tables the rule reads its failing rows from (a file-scope rule runs for these forms) */
  forms: string[];
  regulation: string;
  /** Vietnamese, with {column} placeholders filled from the rule's result */
  message: string;
  sql: string;
  file: string;
}

export const rulesDir = join(formsDir, 'rules');

const REQUIRED_COLUMNS = ['file_sha256', 'sheet', 'row_number', 'column_key', 'value'];

/** Parse one rule file: the header lines, then the select. */
export function parseRule(text: string, file: string): Rule {
  const head = new Map<string, string>();
  const lines = text.split('\n');
  let i = 0;
  for (; i < lines.length; i++) {
    const m = /^--\s*([a-z_]+):\s*(.*)$/.exec(lines[i]!);
    if (m) head.set(m[1]!, m[2]!.trim());
    else if (!/^--/.test(lines[i]!) && lines[i]!.trim() !== '') break;
  }
  const need = (k: string) => head.get(k) || fail(`"-- ${k}:" missing`);
  const fail = (msg: string): never => {
    throw new Error(`forms/rules/${file}: ${msg}`);
  };
  const code = need('code');
  if (`${code}.sql` !== file) fail(`code "${code}" must be the file's name`);
  const severity = need('severity') as Severity;
  if (severity !== 'error' && severity !== 'warning') fail('severity must be error or warning');
  const scope = need('scope') as Scope;
  if (scope !== 'file' && scope !== 'warehouse') fail('scope must be file or warehouse');
  const sql = lines.slice(i).join('\n').trim().replace(/;\s*$/, '');
  if (!/^(select|with)\b/i.test(sql)) fail('the body must be one select');
  return {
    code, title: need('title'), severity, scope,
    forms: need('forms').split(',').map((s) => s.trim()).filter(Boolean),
    regulation: need('regulation'), message: need('message'), sql, file,
  };
}

let cache: Rule[] | undefined;

/** Every rule, in file order. Codes are unique (the file name). */
export function listRules(): Rule[] {
  cache ??= readdirSync(rulesDir).filter((f) => f.endsWith('.sql')).sort()
    .map((f) => parseRule(readFileSync(join(rulesDir, f), 'utf8'), f));
  return cache;
}

/** One finding of a rule, as it goes into ops.rejects. */
export interface RuleFinding {
  file_sha256: string;
  file_name: string;
  sheet: string | null;
  row_number: number | null;
  column_letter: string | null;
  column_header: string | null;
  value: string | null;
  reason: string;
  code: string;
  severity: Severity;
}

type Row = Record<string, unknown>;

/** Fill "{name}" from the row; a number prints in Vietnamese style. */
export function fillMessage(template: string, row: Row): string {
  return template.replace(/\{([a-z_0-9]+)\}/g, (_, k: string) => {
    const v = row[k];
    if (v === null || v === undefined) return '–';
    // counts in Vietnamese style (12.345); years and small numbers as they are
    if (typeof v === 'number' || typeof v === 'bigint') return Math.abs(Number(v)) >= 10_000 ? Number(v).toLocaleString('vi-VN', { maximumFractionDigits: 2 }) : String(Number(Number(v).toFixed(2)));
    return String(v);
  });
}

/** The header a column key has in a form (list layouts) or a grid form (its column path). */
function headerOfKey(form: string | null, key: string | null): string | null {
  if (!form || !key) return null;
  for (const l of listLayouts().filter((x) => x.form === form)) {
    const c = l.columns.find((x) => x.key === key);
    if (c) return c.headers[0]!;
  }
  for (const g of listGrids().filter((x) => x.form === form)) {
    for (const s of g.sheets) {
      const c = s.columns.find((x) => x.key === key);
      if (c) return c.path.map((p) => p[0]).join(' / ');
    }
  }
  return key;
}

interface FileInfo {
  file_name: string;
  form: string | null;
  raw_path: string;
}

/** A loaded file whose rows are in raw.<form>: read from its staging Parquet when it has one, else from the table. */
export interface FileRows {
  sha256: string;
  form: string;
  /** the staging Parquet (absolute path) holding exactly the file's rows of raw.<form> */
  parquet?: string;
}

/** The rows of raw.<form> that some files of a load hold, as one relation (their Parquet when every one has it). */
function rowsOfFiles(form: string, files: FileRows[]): string {
  const table = qualified('raw', form);
  if (!files.length) return `(select * from ${table} where false)`;
  if (files.every((f) => f.parquet)) {
    const paths = files.map((f) => quotedString(f.parquet!)).join(', ');
    return `(select * from ${table} where false union all by name select * from read_parquet([${paths}], union_by_name = true))`;
  }
  return `(select * from ${table} where file_sha256 in (${files.map((f) => quotedString(f.sha256)).join(', ')}))`;
}

/**
 * The rule's select with raw.<form> of each of its forms replaced by the rows of the given files
 * of that form (nothing, for a form none of them has). Any other table the select reads (reference
 * tables, raw.grid_returns) is left as it is.
 */
function forFiles(rule: Rule, files: FileRows[]): string {
  const forms = new Set(rule.forms);
  return rule.sql.replace(/\braw\.([a-z0-9_]+)\b/g, (whole, form: string) =>
    forms.has(form) ? rowsOfFiles(form, files.filter((f) => f.form === form)) : whole);
}

/** Run a rule's select (optionally over some files only) and turn its rows into findings. */
async function findings(wh: Warehouse, home: string, rule: Rule, onlyFiles?: FileRows[]): Promise<RuleFinding[]> {
  const sql = onlyFiles
    ? `select * from (${forFiles(rule, onlyFiles)}) where file_sha256 in (${onlyFiles.map((f) => quotedString(f.sha256)).join(', ')})`
    : rule.sql;
  const rows = await wh.rows<Row>(sql);
  if (!rows.length) return [];
  for (const c of REQUIRED_COLUMNS) if (!(c in rows[0]!)) throw new Error(`forms/rules/${rule.file}: the select must return ${c}`);
  // where each finding's column is in its file (the original workbook's header)
  const shas = [...new Set(rows.map((r) => String(r.file_sha256)))];
  const files = new Map((await wh.rows<FileInfo & { file_sha256: string }>(
    `select file_sha256, file_name, form, raw_path from ops.files where file_sha256 in (${shas.map(quotedString).join(', ')})`,
  )).map((f) => [f.file_sha256, f]));
  // the originals are read a few at a time: a rule may name rows of a thousand files
  return (await inBatches(shas, ORIGINALS_AT_ONCE, async (sha) => {
    const mine = rows.filter((r) => r.file_sha256 === sha);
    const f = files.get(sha);
    const wanted = new Map<string, Set<number>>();
    for (const r of mine) if (r.sheet) wanted.set(String(r.sheet), (wanted.get(String(r.sheet)) ?? new Set()).add(Number(r.row_number ?? 0)));
    const sheets = f ? await readOriginalRows(join(home, f.raw_path), f.form, wanted).catch(() => new Map<string, SheetColumns>()) : new Map<string, SheetColumns>();
    return mine.map((r): RuleFinding => {
      const sheet = r.sheet === null ? null : String(r.sheet);
      const row = r.row_number === null || r.row_number === undefined ? null : Number(r.row_number);
      const key = r.column_key === null ? null : String(r.column_key);
      const col = key && sheet ? columnOf(sheets.get(sheet), key) : undefined;
      const letter = col ? columnLetter(col) : null;
      const header = headerOfKey(f?.form ?? null, key);
      const where = [`Tệp ${f?.file_name ?? sha}`, sheet ? `trang "${sheet}"` : null, row ? `dòng ${row}` : null,
        header ? `cột ${letter ? `${letter} ` : ''}"${header}"` : null].filter(Boolean).join(', ');
      const text = fillMessage(rule.message, r);
      return {
        file_sha256: sha, file_name: f?.file_name ?? sha, sheet, row_number: row, column_letter: letter, column_header: header,
        value: r.value === null || r.value === undefined ? null : String(r.value),
        reason: `${rule.severity === 'warning' ? 'Cảnh báo: ' : ''}${where}: ${text} [${rule.code}; ${rule.regulation}]`,
        code: rule.code, severity: rule.severity,
      };
    });
  })).flat();
}

/** Originals of flagged files read at once when a rule's findings are placed. */
const ORIGINALS_AT_ONCE = 4;

/** fn over every item, at most `n` at a time, results in the items' order. */
async function inBatches<T, R>(items: T[], n: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  }));
  return out;
}

/** Findings inserted a few hundred per statement (a warehouse rule may name ten thousand rows). */
const FINDINGS_PER_INSERT = 500;

async function insertFindings(wh: Warehouse, fs: RuleFinding[]): Promise<void> {
  for (let i = 0; i < fs.length; i += FINDINGS_PER_INSERT) {
    const chunk = fs.slice(i, i + FINDINGS_PER_INSERT);
    const values = chunk.map((_, j) => `(${Array.from({ length: 10 }, (_, k) => `$${j * 10 + k + 1}`).join(', ')})`).join(',\n');
    await wh.run(
      `insert into ops.rejects (file_sha256, file_name, sheet, row_number, column_letter, column_header, value, reason, code, severity)
       values ${values}`,
      chunk.flatMap((f) => [f.file_sha256, f.file_name, f.sheet, f.row_number, f.column_letter, f.column_header, f.value, f.reason, f.code, f.severity]),
    );
  }
}

export interface FileRulesResult {
  /** rows an error rule rejected (removed from raw.<form>), per file */
  rejectedRows: Map<string, number>;
  findings: RuleFinding[];
}

/** Connections whose warehouse is known to hold ref.codelist_entries. */
const withCodelists = new WeakSet<Warehouse>();

/**
 * The file-scope rules for the files of one load, inside the loader's transaction, after their
 * rows are in raw.<form> and their ops.files rows are written (file names, raw paths). Each rule
 * runs once over all the files of its forms (the rules look at one row at a time). Errors delete
 * their rows from raw.<form>; every finding goes to ops.rejects. The caller moves each file's
 * rejected rows from accepted to rejected.
 */
export async function applyFileRules(wh: Warehouse, home: string, files: FileRows[]): Promise<FileRulesResult> {
  const forms = new Set(files.map((f) => f.form));
  const rules = listRules().filter((r) => r.scope === 'file' && r.forms.some((f) => forms.has(f)));
  if (!rules.length) return { rejectedRows: new Map(), findings: [] };
  // the rules name codes by their names (ref.codelist_entries, made by the transforms or here)
  // (looked up until a connection has found it there: made here, it is not there for good until this load commits)
  if (!withCodelists.has(wh)) {
    const [known] = await wh.rows<{ n: bigint }>(`select count(*) as n from duckdb_tables() where schema_name = 'ref' and table_name = 'codelist_entries'`);
    if (Number(known?.n)) withCodelists.add(wh);
    else await loadCodelists(wh);
  }
  const all: RuleFinding[] = [];
  const formOf = new Map(files.map((f) => [f.sha256, f.form]));
  // (form → "sha, sheet, row" of each rejected row)
  const rejected = new Map<string, Map<string, [string, string, string]>>();
  for (const rule of rules) {
    const fs = await findings(wh, home, rule, files.filter((f) => rule.forms.includes(f.form)));
    all.push(...fs);
    if (rule.severity !== 'error') continue;
    for (const f of fs) {
      if (f.row_number === null || f.sheet === null) continue;
      const form = formOf.get(f.file_sha256)!;
      const key: [string, string, string] = [f.file_sha256, f.sheet, String(f.row_number)];
      rejected.set(form, (rejected.get(form) ?? new Map()).set(JSON.stringify(key), key));
    }
  }
  const rejectedRows = new Map<string, number>();
  for (const [form, keys] of rejected) {
    const values = [...keys.values()];
    await wh.run(
      `delete from ${qualified('raw', form)} as r using (values ${values.map((_, i) => `($${i * 3 + 1}, $${i * 3 + 2}, $${i * 3 + 3})`).join(', ')}) as x(sha, sheet, row_number)
       where r.file_sha256 = x.sha and r.sheet = x.sheet and r.row_number = x.row_number`,
      values.flat(),
    );
    for (const [sha] of values) rejectedRows.set(sha, (rejectedRows.get(sha) ?? 0) + 1);
  }
  await insertFindings(wh, all);
  return { rejectedRows, findings: all };
}

/**
 * The warehouse-scope rules over the current files (after a batch, before the transforms), in one
 * transaction: each rule's previous findings are replaced, so a re-run writes nothing twice.
 */
export async function runWarehouseRules(wh: Warehouse, home: string): Promise<{ code: string; findings: number }[]> {
  const rules = listRules().filter((r) => r.scope === 'warehouse');
  return wh.transaction(async () => {
    // rules read code lists (grade → level) and the grid rows that count pupils by grade
    await loadCodelists(wh);
    await loadGridGradeRows(wh);
    const out: { code: string; findings: number }[] = [];
    for (const rule of rules) {
      const fs = await findings(wh, home, rule);
      await wh.run('delete from ops.rejects where code = $1', [rule.code]);
      await insertFindings(wh, fs);
      out.push({ code: rule.code, findings: fs.length });
    }
    return out;
  });
}

/**
 * ref.grid_grade_rows: for each grid form, version and sheet, the row that counts the pupils of one
 * grade (its measure is pupils with only a grade filter) and the column that counts them all (no
 * filter) — read off forms/grids, the one home of the grids.
 */
export async function loadGridGradeRows(wh: Warehouse): Promise<void> {
  const rows: string[] = [];
  const seen = new Set<string>();
  for (const g of listGrids()) {
    for (const s of g.sheets) {
      const total = s.columns.find((c) => Object.keys(c.where).length === 0);
      if (!total) continue;
      for (const r of s.rows) {
        const w = r.measure?.where ?? {};
        const grades = w.grade;
        if (r.measure?.count !== 'pupils' || Object.keys(w).length !== 1 || !Array.isArray(grades) || grades.length !== 1) continue;
        // the first row per grade (a form may break the same pupils down again further on)
        const id = `${g.form}@${g.version}@${grades[0]}`;
        if (seen.has(id)) continue;
        seen.add(id);
        rows.push(`(${[g.form, g.version, s.key, r.id, total.key, grades[0]!].map((v) => `'${v.replace(/'/g, "''")}'`).join(', ')})`);
      }
    }
  }
  await wh.run('create schema if not exists ref');
  await wh.run(`create or replace table ref.grid_grade_rows (form varchar, version varchar, sheet_key varchar, row_code varchar, column_key varchar, grade varchar)`);
  if (rows.length) await wh.run(`insert into ref.grid_grade_rows values ${rows.join(', ')}`);
}

/** docs/rules.md: the rules folder as a table (generated; a test keeps the file equal to this). */
export function rulesMarkdown(): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const lines = [
    '# Validation rules',
    '',
    'Generated from `forms/rules/*.sql` by `rulesMarkdown()` (warehouse/rules.ts); test/warehouse/rules-doc.test.ts',
    'keeps this file equal to the folder. An **error** rejects the row (it leaves `raw.<form>` and counts as',
    'rejected in `ops.files`); a **warning** keeps it. Scope **file**: checked when the file is loaded, in the',
    'load transaction; scope **warehouse**: checked over all current files before the transforms, each run',
    'replacing the rule\'s previous findings. Every finding is a row of `ops.rejects` (file, sheet, row,',
    'column, value, Vietnamese reason, code, severity) and appears in the school\'s error workbook',
    '(`thongke errors`).',
    '',
    '| code | severity | scope | forms | what | regulation |',
    '|---|---|---|---|---|---|',
    ...listRules().map((r) => `| \`${r.code}\` | ${r.severity} | ${r.scope} | ${r.forms.join(', ')} | ${cell(r.title)} | ${cell(r.regulation)} |`),
    '',
    'Checked by the parser, where only the parser sees the cells (codes in `ops.rejects` too): types, code',
    'lists, patterns and required cells (`forms/cells.ts`: `code_not_in_list`, `missing_required`, `bad_date`,',
    '`invalid_cell`, …, errors), legacy TCVN3/VNI text (`legacy_tcvn3`, `legacy_vni`, warnings), a list\'s',
    'total row against its data rows (`totals_mismatch`, warning, `workflows/ingest/total-row.ts`), and the',
    'row and column identities of the statistical returns (total = sum of parts, female ≤ total, …), defined',
    'in `forms/grids/*.json` and checked by `workflows/ingest/parse-grid.ts` (warnings, code = the identity,',
    'e.g. `total_all=public_all+private_all`).',
    '',
  ];
  return lines.join('\n');
}
