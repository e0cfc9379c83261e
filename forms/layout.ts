// Form layouts are data (forms/layouts/*.json); this module reads and checks them once, at the edge.
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export type ColumnType = 'text' | 'code' | 'integer' | 'date' | 'datetime' | 'school_year';

export interface FormColumn {
  key: string;
  headers: string[];
  type: ColumnType;
  required: boolean;
  codelist?: string;
  pattern?: string;
  /** Personal data (names, birth dates, personal ids): never leaves the warehouse. */
  personal: boolean;
  /** How real files show a coded value: its name ("Nữ") or its code ("02"). */
  writtenAs: 'name' | 'code';
}

export interface FormMeta {
  key: string;
  label: string;
  type: ColumnType;
  required: boolean;
}

export interface FormLayout {
  /** the layout file's name: <form> or <form>.<variant> */
  id: string;
  form: string;
  version: string;
  title: string;
  regulation: string;
  grain: string;
  /** where the data sheet's name is fixed by the source; '*' = any (one sheet per class, …) */
  sheet: string;
  /** reporting period: 'school_year' (the year in the title block) */
  titleRows: string[];
  headerSearchRows: number;
  /** Column keys whose headers (any variant) must all be in a row for it to be this form's header row. */
  recognise: string[];
  /** which earlier files a new one replaces: 'form' = any file of the same form, school and period
   * (a resubmission); 'version' = only those of the same version, when a school's return is made of
   * one file per version (class results on TT 22/2021, TT 58/2011 and primary, side by side) */
  supersedes: 'form' | 'version';
  meta: FormMeta[];
  columns: FormColumn[];
}

/** forms/ in the source tree (also when running from dist/forms). */
export const formsDir = fileURLToPath(new URL(import.meta.url.endsWith('/dist/forms/layout.js') ? '../../forms/' : './', import.meta.url));

const TYPES: ColumnType[] = ['text', 'code', 'integer', 'date', 'datetime', 'school_year'];

function fail(file: string, msg: string): never {
  throw new Error(`forms/layouts/${file}: ${msg}`);
}

function str(v: unknown, file: string, what: string): string {
  if (typeof v !== 'string' || v === '') fail(file, `${what} must be a non-empty string`);
  return v;
}

function type(v: unknown, file: string, what: string): ColumnType {
  if (!TYPES.includes(v as ColumnType)) fail(file, `${what}: type must be one of ${TYPES.join(', ')}`);
  return v as ColumnType;
}

/** Parse one layout file's JSON into a typed, defaulted FormLayout. */
export function parseLayout(json: unknown, file: string): FormLayout {
  const o = json as Record<string, unknown>;
  if (typeof o !== 'object' || o === null) fail(file, 'not an object');
  const columns = (o.columns as unknown[] | undefined) ?? fail(file, 'columns missing');
  const meta = (o.meta as unknown[] | undefined) ?? [];
  const layout: FormLayout = {
    id: file.replace(/\.json$/, ''),
    form: str(o.form, file, 'form'),
    version: str(o.version, file, 'version'),
    title: str(o.title, file, 'title'),
    regulation: str(o.regulation, file, 'regulation'),
    grain: str(o.grain, file, 'grain'),
    sheet: str(o.sheet, file, 'sheet'),
    titleRows: ((o.title_rows as string[] | undefined) ?? []).map((t, i) => str(t, file, `title_rows[${i}]`)),
    headerSearchRows: typeof o.header_search_rows === 'number' ? o.header_search_rows : 20,
    recognise: ((o.recognise as string[] | undefined) ?? []).map((s, i) => str(s, file, `recognise[${i}]`)),
    supersedes: o.supersedes === undefined ? 'form' : o.supersedes === 'version' ? 'version' : o.supersedes === 'form' ? 'form' : fail(file, 'supersedes must be "form" or "version"'),
    meta: meta.map((m, i) => {
      const r = m as Record<string, unknown>;
      return { key: str(r.key, file, `meta[${i}].key`), label: str(r.label, file, `meta[${i}].label`), type: type(r.type, file, `meta[${i}]`), required: r.required === true };
    }),
    columns: columns.map((c, i) => {
      const r = c as Record<string, unknown>;
      const headers = r.headers as string[] | undefined;
      if (!Array.isArray(headers) || headers.length === 0) fail(file, `columns[${i}].headers must list at least one header text`);
      return {
        key: str(r.key, file, `columns[${i}].key`),
        headers: headers.map((h, j) => str(h, file, `columns[${i}].headers[${j}]`)),
        type: type(r.type, file, `columns[${i}]`),
        required: r.required === true,
        codelist: r.codelist === undefined ? undefined : str(r.codelist, file, `columns[${i}].codelist`),
        pattern: r.pattern === undefined ? undefined : str(r.pattern, file, `columns[${i}].pattern`),
        personal: r.personal === true,
        writtenAs: r.written_as === 'code' ? 'code' : 'name',
      };
    }),
  };
  const keys = [...layout.meta.map((m) => m.key), ...layout.columns.map((c) => c.key)];
  const dup = keys.find((k, i) => keys.indexOf(k) !== i);
  if (dup) fail(file, `key "${dup}" defined twice`);
  const unknown = layout.recognise.find((k) => !layout.columns.some((c) => c.key === k));
  if (unknown) fail(file, `recognise names "${unknown}", which is not a column key`);
  if (!layout.recognise.length) fail(file, 'recognise must name at least one column key');
  return layout;
}

/** Lineage columns carried by every staged row: which file, sheet and row it came from. */
export const LINEAGE_COLUMNS = ['file_sha256', 'sheet', 'row_number'] as const;

/** Columns of one layout's rows in the lake: lineage, title-block meta, then the columns. */
export function rawColumnNames(layout: FormLayout): string[] {
  return [...LINEAGE_COLUMNS, ...layout.meta.map((m) => m.key), ...layout.columns.map((c) => c.key)];
}

/** Columns of raw.<form>: every variant's columns (a variant may lack some; they load as null). */
export function formColumnNames(form: string): string[] {
  const names: string[] = [];
  for (const l of listLayouts().filter((x) => x.form === form)) for (const n of rawColumnNames(l)) if (!names.includes(n)) names.push(n);
  return names;
}

const cache = new Map<string, FormLayout>();

/** One layout by its id (file name without .json), e.g. "hs_danh_sach" or "hs_danh_sach.smas". */
export function loadLayout(id: string): FormLayout {
  let layout = cache.get(id);
  if (!layout) {
    const file = `${id}.json`;
    layout = parseLayout(JSON.parse(readFileSync(join(formsDir, 'layouts', file), 'utf8')), file);
    cache.set(id, layout);
  }
  return layout;
}

/** The base layout of a form (its file is named after the form). */
export function loadForm(form: string): FormLayout {
  return loadLayout(form);
}

export function listLayouts(): FormLayout[] {
  return readdirSync(join(formsDir, 'layouts'))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => loadLayout(f.replace(/\.json$/, '')));
}

/** The distinct forms (base layouts). */
export function listForms(): FormLayout[] {
  return listLayouts().filter((l) => l.id === l.form);
}
