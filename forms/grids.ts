// Grid forms (official statistical returns: rows are indicators with a row code "Mã số", columns
// are breakdowns by ownership and by sex/ethnicity) are data in forms/grids/*.json; this module
// reads and checks them once, at the edge. The vocabulary is documented in forms/grids/README.md.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { formsDir } from './layout.js';

/** What a measure counts in a SchoolYear of the synthetic world (fixtures/world/model.ts). */
export type Entity = 'schools' | 'sites' | 'classes' | 'pupils' | 'staff' | 'computers';

/** Filter keys each entity understands; the school-level keys apply to every entity. */
const SCHOOL_KEYS = ['area', 'ownership', 'grades_any', 'grades_all', 'grades_all_in', 'sites_min', 'classes_min', 'classes_max', 'computers_min'] as const;
export const FILTER_KEYS: Record<Entity, readonly string[]> = {
  schools: SCHOOL_KEYS,
  sites: SCHOOL_KEYS,
  computers: SCHOOL_KEYS,
  classes: [...SCHOOL_KEYS, 'grade', 'size_min', 'size_max', 'disabled_pupils'],
  pupils: [...SCHOOL_KEYS, 'grade', 'female', 'ethnic_minority', 'age_min', 'age_max', 'age_months_min', 'age_months_max', 'repeater', 'new_entrant', 'disability', 'disability_type', 'policy', 'status_end', 'promoted', 'learning', 'conduct'],
  staff: [...SCHOOL_KEYS, 'group', 'role', 'qualification', 'age_min', 'age_max', 'female', 'ethnic_minority', 'contract'],
};
const BOOLEAN_KEYS = new Set(['female', 'ethnic_minority', 'repeater', 'new_entrant', 'disability', 'policy', 'promoted']);
const NUMBER_KEYS = new Set(['sites_min', 'classes_min', 'classes_max', 'computers_min', 'size_min', 'size_max', 'disabled_pupils', 'age_min', 'age_max', 'age_months_min', 'age_months_max']);
const ROLES = ['principal', 'vice_principal'];

export type FilterValue = string[] | number | boolean | string;
export type Filter = Record<string, FilterValue>;

export interface Measure {
  count: Entity;
  where: Filter;
}

/**
 * confirmed: code and label as in a real export (data/csdl, S20);
 * code-confirmed: code and meaning from domain.md §2.3, label wording thongke's;
 * inferred: no published row list, thongke row key (`tk:…`) instead of an official code.
 */
export type RowStatus = 'confirmed' | 'code-confirmed' | 'inferred';

export interface GridRow {
  /** The row's identity in the sheet: the official code, else the thongke key. */
  id: string;
  code: string | null;
  key: string | null;
  /** numbering in the TT column ("3.1.", "I"), as printed */
  tt: string | null;
  label: string;
  unit: string | null;
  status: RowStatus;
  /** null: the world does not model it (the generator writes 0) */
  measure: Measure | null;
  /** a label-only row (section title, "Chia ra theo vùng:") */
  heading: boolean;
  /** the generator leaves the values blank, as the real export does for a few rows */
  blank: boolean;
  /** money rows may hold decimals; every other unit is a count */
  decimal: boolean;
}

export interface GridColumn {
  key: string;
  /** header texts from the top header row down, each with its variants */
  path: string[][];
  where: Filter;
}

export interface GridRule {
  id: string;
  /** sum: total = Σ parts; le: Σ parts ≤ total */
  kind: 'sum' | 'le';
  total: string;
  parts: string[];
  /** derived: read off the form's layout (domain.md §2.3 [D]); inferred: thongke's reading */
  status: 'derived' | 'inferred';
  note: string | null;
}

export interface GridSheet {
  key: string;
  /** sheet names, first is written */
  names: string[];
  /** text of the stub header over the labels ("Chỉ tiêu", "Trẻ em", …) */
  labelHeader: string;
  /** the section number printed in the TT header cell ("III"), if any */
  ttHeader: string | null;
  /** the form's title block stands above this sheet's header */
  titleBlock: boolean;
  /** columns the label is merged across (the Ngân sách sheet merges B:C) */
  labelSpan: number;
  columns: GridColumn[];
  headerDepth: number;
  rows: GridRow[];
  /** row identities (per column) */
  rowRules: GridRule[];
  /** column identities (per row) */
  columnRules: GridRule[];
  /** totals of the column sum rules are formulas in the real export (written with cached values) */
  formulas: boolean;
}

export interface GridLayout {
  form: string;
  version: string;
  /** the official symbol ("01-MN-ĐN", "01.ĐN-MN") */
  symbol: string;
  symbolVariants: string[];
  regulation: string;
  period: 'start' | 'end';
  level: string;
  status: 'confirmed' | 'partial' | 'inferred';
  titles: string[];
  periodTexts: string[];
  dataDateTexts: string[];
  reportingUnitLabels: string[];
  recipientLabels: string[];
  recipient: string;
  schoolYearLabels: string[];
  unitCodeLabels: string[];
  /** sheets present in the export that carry no grid (e.g. "Errors"): read and ignored */
  ignoredSheets: string[];
  sheets: GridSheet[];
  notes: string[];
}

/** Columns of a grid form's long-format rows in the lake and in raw.<form> (all text, like the list forms). */
export const GRID_COLUMNS = ['file_sha256', 'sheet', 'row_number', 'form', 'version', 'period', 'unit_code', 'row_code', 'column_key', 'value'] as const;

class LayoutError extends Error {}

function fail(file: string, msg: string): never {
  throw new LayoutError(`forms/grids/${file}: ${msg}`);
}

type Obj = Record<string, unknown>;

function obj(v: unknown, file: string, what: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(file, `${what} must be an object`);
  return v as Obj;
}

function str(v: unknown, file: string, what: string): string {
  if (typeof v !== 'string' || v === '') fail(file, `${what} must be a non-empty string`);
  return v;
}

function optStr(v: unknown, file: string, what: string): string | null {
  return v === undefined || v === null ? null : str(v, file, what);
}

function strs(v: unknown, file: string, what: string, min = 0): string[] {
  if (v === undefined && min === 0) return [];
  if (!Array.isArray(v) || v.length < min) fail(file, `${what} must list at least ${min} text(s)`);
  return v.map((s, i) => str(s, file, `${what}[${i}]`));
}

/** A header text: "Nữ" or ["Dân tộc thiểu số", "DTTS"]. */
function variants(v: unknown, file: string, what: string): string[] {
  return typeof v === 'string' ? [str(v, file, what)] : strs(v, file, what, 1);
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[], file: string, what: string): T {
  if (!allowed.includes(v as T)) fail(file, `${what} must be one of ${allowed.join(', ')}`);
  return v as T;
}

function filter(v: unknown, entity: Entity, file: string, what: string): Filter {
  if (v === undefined) return {};
  const o = obj(v, file, what);
  const out: Filter = {};
  for (const [k, x] of Object.entries(o)) {
    if (!FILTER_KEYS[entity].includes(k)) fail(file, `${what}: "${k}" is not a filter of ${entity} (${FILTER_KEYS[entity].join(', ')})`);
    if (BOOLEAN_KEYS.has(k)) {
      if (typeof x !== 'boolean') fail(file, `${what}.${k} must be true or false`);
    } else if (NUMBER_KEYS.has(k)) {
      if (typeof x !== 'number' || !Number.isInteger(x)) fail(file, `${what}.${k} must be an integer`);
    } else if (k === 'role') {
      oneOf(x, ROLES, file, `${what}.role`);
    } else strs(x, file, `${what}.${k}`, 1);
    out[k] = x as FilterValue;
  }
  return out;
}

const ENTITIES: Entity[] = ['schools', 'sites', 'classes', 'pupils', 'staff', 'computers'];

function measure(v: unknown, file: string, what: string): Measure | null {
  if (v === undefined || v === null) return null;
  const o = obj(v, file, what);
  const count = oneOf(o.count, ENTITIES, file, `${what}.count`);
  return { count, where: filter(o.where, count, file, `${what}.where`) };
}

interface ColumnSetJson {
  groups: { key: string; text: unknown; where?: unknown; subs?: string | false }[];
  subs?: Record<string, { key: string; path: unknown[]; where?: unknown }[]>;
  rules?: { kind?: string; total: string; parts: string[]; note?: string }[];
  formulas?: boolean;
}

/** Expand "{group}"/"{sub}" templates over the set; keep the instances whose keys all exist. */
function expandRules(templates: ColumnSetJson['rules'], groups: string[], subs: string[], keys: Set<string>, file: string, what: string): GridRule[] {
  const out: GridRule[] = [];
  const seen = new Set<string>();
  for (const [i, t] of (templates ?? []).entries()) {
    const kind = oneOf(t.kind ?? 'sum', ['sum', 'le'] as const, file, `${what}[${i}].kind`);
    for (const g of t.total.includes('{group}') || t.parts.some((p) => p.includes('{group}')) ? groups : ['']) {
      for (const s of t.total.includes('{sub}') || t.parts.some((p) => p.includes('{sub}')) ? subs : ['']) {
        const sub = (x: string) => x.replace(/\{group\}/g, g).replace(/\{sub\}/g, s);
        const total = sub(t.total);
        const parts = t.parts.map(sub);
        if (![total, ...parts].every((k) => keys.has(k))) continue;
        const id = `${total}${kind === 'sum' ? '=' : '≥'}${parts.join('+')}`;
        if (seen.has(id)) continue;
        seen.add(id);
        out.push({ id, kind, total, parts, status: 'derived', note: t.note ?? null });
      }
    }
  }
  return out;
}

function columnSet(json: unknown, file: string, what: string): { columns: GridColumn[]; rules: GridRule[]; formulas: boolean } {
  const set = obj(json, file, what) as unknown as ColumnSetJson;
  if (!Array.isArray(set.groups) || set.groups.length === 0) fail(file, `${what}.groups must list the ownership groups`);
  const columns: GridColumn[] = [];
  const subKeys: string[] = [];
  for (const [i, g] of set.groups.entries()) {
    const gw = `${what}.groups[${i}]`;
    const gkey = str(g.key, file, `${gw}.key`);
    // group filters are school-level (ownership), valid for every entity
    const gwhere = filter(g.where, 'schools', file, `${gw}.where`);
    const subsName = g.subs === false ? null : (g.subs ?? 'default');
    const subs = set.subs && subsName ? (set.subs[subsName] ?? fail(file, `${gw}.subs names "${subsName}", which ${what}.subs lacks`)) : null;
    if (!subs) {
      columns.push({ key: gkey, path: [variants(g.text, file, `${gw}.text`)], where: gwhere });
      continue;
    }
    for (const [j, s] of subs.entries()) {
      const sw = `${what}.subs.${subsName}[${j}]`;
      const skey = str(s.key, file, `${sw}.key`);
      if (!subKeys.includes(skey)) subKeys.push(skey);
      if (!Array.isArray(s.path) || s.path.length === 0) fail(file, `${sw}.path must list the header texts`);
      columns.push({
        key: `${gkey}_${skey}`,
        path: [variants(g.text, file, `${gw}.text`), ...s.path.map((p, k) => variants(p, file, `${sw}.path[${k}]`))],
        // sub-column filters are checked against each row's entity when the sheet is read
        where: { ...gwhere, ...(obj(s.where ?? {}, file, `${sw}.where`) as Filter) },
      });
    }
  }
  const keys = columns.map((c) => c.key);
  const dup = keys.find((k, i) => keys.indexOf(k) !== i);
  if (dup) fail(file, `${what}: column key "${dup}" defined twice`);
  const rules = expandRules(set.rules, set.groups.map((g) => g.key), subKeys, new Set(keys), file, `${what}.rules`);
  return { columns, rules, formulas: set.formulas === true };
}

/** "28…32" or "28..32" → 28, 29, 30, 31, 32 (row codes only). */
function expandParts(parts: unknown, file: string, what: string): string[] {
  return strs(parts, file, what, 1).flatMap((p) => {
    const m = /^(\d+)\s*(?:…|\.\.)\s*(\d+)$/.exec(p);
    if (!m) return [p];
    const [a, b] = [Number(m[1]), Number(m[2])];
    if (b < a) fail(file, `${what}: range "${p}" runs backwards`);
    return Array.from({ length: b - a + 1 }, (_, i) => String(a + i));
  });
}

function sheet(json: unknown, sets: Record<string, unknown>, file: string, idx: number): GridSheet {
  const what = `sheets[${idx}]`;
  const o = obj(json, file, what);
  const setName = str(o.columns, file, `${what}.columns`);
  const set = columnSet(sets[setName] ?? fail(file, `${what}.columns names "${setName}", which column_sets lacks`), file, `column_sets.${setName}`);
  const rows: GridRow[] = ((o.rows as unknown[] | undefined) ?? fail(file, `${what}.rows missing`)).map((r, i) => {
    const rw = `${what}.rows[${i}]`;
    const x = obj(r, file, rw);
    const code = x.code === undefined ? null : String(x.code as string | number);
    const key = optStr(x.key, file, `${rw}.key`);
    if (code !== null && key !== null) fail(file, `${rw}: give either an official code or a thongke key, not both`);
    if (key !== null && !key.startsWith('tk:')) fail(file, `${rw}: a thongke row key starts with "tk:" so that it cannot pass for an official code`);
    const heading = code === null && key === null;
    const status = heading ? 'confirmed' : oneOf(x.status ?? (key ? 'inferred' : undefined), ['confirmed', 'code-confirmed', 'inferred'] as const, file, `${rw}.status`);
    if (key && status !== 'inferred') fail(file, `${rw}: a row without an official code is "inferred"`);
    const unit = optStr(x.unit, file, `${rw}.unit`);
    return {
      id: code ?? key ?? '',
      code,
      key,
      tt: x.tt === undefined ? null : String(x.tt as string | number),
      label: str(x.label, file, `${rw}.label`),
      unit,
      status,
      measure: heading ? null : measure(x.measure, file, `${rw}.measure`),
      heading,
      blank: x.blank === true,
      decimal: unit !== null && /đồng/.test(unit),
    };
  });
  const ids = rows.filter((r) => !r.heading).map((r) => r.id);
  const dup = ids.find((k, i) => ids.indexOf(k) !== i);
  if (dup) fail(file, `${what}: row "${dup}" defined twice`);
  for (const r of rows) {
    if (!r.measure) continue;
    // the sub-columns' filters must make sense for what the row counts
    for (const c of set.columns) filter(c.where, r.measure.count, file, `${what} row ${r.id} × column ${c.key}`);
  }
  const rowRules: GridRule[] = ((o.rules as unknown[] | undefined) ?? []).map((r, i) => {
    const rw = `${what}.rules[${i}]`;
    const x = obj(r, file, rw);
    const kind = oneOf(x.kind ?? 'sum', ['sum', 'le'] as const, file, `${rw}.kind`);
    const total = String(x.total as string | number);
    const parts = expandParts(x.parts, file, `${rw}.parts`);
    for (const k of [total, ...parts]) if (!ids.includes(k)) fail(file, `${rw} names row "${k}", which the sheet lacks`);
    return {
      id: `${total}${kind === 'sum' ? '=' : '≥'}${parts.join('+')}`,
      kind,
      total,
      parts,
      status: oneOf(x.status ?? 'derived', ['derived', 'inferred'] as const, file, `${rw}.status`),
      note: optStr(x.note, file, `${rw}.note`),
    };
  });
  return {
    key: str(o.key, file, `${what}.key`),
    names: strs(o.names, file, `${what}.names`, 1),
    labelHeader: str(o.label_header ?? 'Chỉ tiêu', file, `${what}.label_header`),
    ttHeader: optStr(o.tt_header, file, `${what}.tt_header`),
    titleBlock: o.title_block === true,
    labelSpan: typeof o.label_span === 'number' ? o.label_span : 1,
    columns: set.columns,
    headerDepth: Math.max(...set.columns.map((c) => c.path.length)),
    rows,
    rowRules,
    columnRules: set.rules,
    formulas: set.formulas,
  };
}

/** Parse one grid layout file's JSON into a typed, checked GridLayout. */
export function parseGridLayout(json: unknown, file: string): GridLayout {
  const o = obj(json, file, 'layout');
  const sets = obj(o.column_sets, file, 'column_sets');
  const sheets = ((o.sheets as unknown[] | undefined) ?? fail(file, 'sheets missing')).map((s, i) => sheet(s, sets, file, i));
  if (!sheets.length) fail(file, 'sheets must list at least one sheet');
  const keys = sheets.map((s) => s.key);
  const dup = keys.find((k, i) => keys.indexOf(k) !== i);
  if (dup) fail(file, `sheet key "${dup}" defined twice`);
  if (!sheets.some((s) => s.titleBlock)) fail(file, 'one sheet must carry the title block (title_block: true)');
  return {
    form: str(o.form, file, 'form'),
    version: str(o.version, file, 'version'),
    symbol: str(o.symbol, file, 'symbol'),
    symbolVariants: strs(o.symbol_variants, file, 'symbol_variants'),
    regulation: str(o.regulation, file, 'regulation'),
    period: oneOf(o.period, ['start', 'end'] as const, file, 'period'),
    level: str(o.level, file, 'level'),
    status: oneOf(o.status, ['confirmed', 'partial', 'inferred'] as const, file, 'status'),
    titles: strs(o.titles, file, 'titles', 1),
    periodTexts: strs(o.period_texts, file, 'period_texts', 1),
    dataDateTexts: strs(o.data_date_texts, file, 'data_date_texts', 1),
    reportingUnitLabels: strs(o.reporting_unit_labels, file, 'reporting_unit_labels', 1),
    recipientLabels: strs(o.recipient_labels, file, 'recipient_labels', 1),
    recipient: str(o.recipient, file, 'recipient'),
    schoolYearLabels: strs(o.school_year_labels ?? ['Năm học'], file, 'school_year_labels', 1),
    unitCodeLabels: strs(o.unit_code_labels ?? ['Mã đơn vị'], file, 'unit_code_labels', 1),
    ignoredSheets: strs(o.ignored_sheets, file, 'ignored_sheets'),
    sheets,
    notes: strs(o.notes, file, 'notes'),
  };
}

/** The column sums the export writes as formulas: the first sum rule naming each total column. */
export function formulaParts(sheet: GridSheet): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (!sheet.formulas) return out;
  for (const r of sheet.columnRules) if (r.kind === 'sum' && !out.has(r.total)) out.set(r.total, r.parts);
  return out;
}

const cache = new Map<string, GridLayout>();

function loadFile(file: string): GridLayout {
  let layout = cache.get(file);
  if (!layout) {
    layout = parseGridLayout(JSON.parse(readFileSync(join(formsDir, 'grids', file), 'utf8')), file);
    cache.set(file, layout);
  }
  return layout;
}

/** Every grid layout (form × version), in file order. */
export function listGrids(): GridLayout[] {
  const all = readdirSync(join(formsDir, 'grids'))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map(loadFile);
  const ids = all.map((g) => `${g.form}@${g.version}`);
  const dup = ids.find((k, i) => ids.indexOf(k) !== i);
  if (dup) throw new LayoutError(`forms/grids: ${dup} defined in two files`);
  return all;
}

export function loadGrid(form: string, version: string): GridLayout {
  const hit = listGrids().find((g) => g.form === form && g.version === version);
  if (!hit) throw new Error(`forms/grids: no layout ${form}@${version}`);
  return hit;
}

/** The layout in force for a form and school year: TT 25/2024 from 2025-26 on, TT 24/2018 before. */
export function gridFor(form: string, startYear: number): GridLayout {
  const candidates = listGrids().filter((g) => g.form === form);
  const tt25 = candidates.find((g) => g.version.startsWith('tt25'));
  const tt24 = candidates.find((g) => g.version.startsWith('tt24'));
  const hit = startYear >= 2025 ? (tt25 ?? tt24) : (tt24 ?? tt25);
  if (!hit) throw new Error(`forms/grids: no layout for ${form}`);
  return hit;
}
