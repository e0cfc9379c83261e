// The data dictionary: every table and column of the warehouse, with its description and source,
// gathered from the one home of each description —
//   published marts (dashboards/registry.json datasets): the registry's column descriptions;
//   raw.<form> list tables: the form layouts (forms/layouts/*.json: meta labels, header texts);
//   everything else (models, ref, ops, audit, grid raw tables, lineage columns): transforms/dictionary.json.
// Written into ops.data_dictionary at the end of every transform run, and as docs/data-dictionary.md
// by `thongke dictionary` from a freshly built warehouse.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Warehouse } from './db.js';
import { loadRegistry } from '../dashboards/registry.js';
import { listForms, listLayouts } from '../forms/layout.js';
import { listGrids } from '../forms/grids.js';
import { readDictionary } from '../transforms/dictionary.js';
import { ADMIN_REFERENCE_FILES } from './reference.js';
import { GSO_REFERENCE_FILES } from './gso.js';

export const DICTIONARY_SCHEMAS = ['raw', 'staging', 'core', 'marts', 'ref', 'ops', 'audit'] as const;

export interface DictionaryRow {
  table_schema: string;
  table_name: string;
  column_name: string | null;
  ordinal_position: number | null;
  data_type: string | null;
  description: string | null;
  source: string;
  described_in: string | null;
}

const migrationsDir = fileURLToPath(new URL(import.meta.url.endsWith('/dist/warehouse/dictionary.js') ? '../../warehouse/migrations/' : './migrations/', import.meta.url));

/** The migration that creates each ops/audit table. */
function migrationSources(): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of readdirSync(migrationsDir).filter((x) => x.endsWith('.sql')).sort()) {
    for (const m of readFileSync(join(migrationsDir, f), 'utf8').matchAll(/create table if not exists ([a-z_]+\.[a-z_]+)/g)) {
      if (!out.has(m[1]!)) out.set(m[1]!, `warehouse/migrations/${f}`);
    }
  }
  out.set('ops.schema_migrations', 'warehouse/db.ts (migrate)');
  return out;
}

interface Described {
  table?: string;
  columns: Record<string, string>;
  describedIn: string;
  source: string;
}

/** Descriptions by table, each from its one home. */
export function descriptions(transformsDir: string, modelSources: Map<string, string>): Map<string, Described> {
  const out = new Map<string, Described>();
  const dict = readDictionary(transformsDir);
  const migrations = migrationSources();
  const sourceOf = (table: string): string => {
    const [schema, name] = table.split('.') as [string, string];
    if (modelSources.has(table)) return modelSources.get(table)!;
    if (schema === 'ref') {
      if (name in ADMIN_REFERENCE_FILES) return `reference/${ADMIN_REFERENCE_FILES[name]}`;
      if (name in GSO_REFERENCE_FILES) return `reference/${GSO_REFERENCE_FILES[name]!.file}`;
      if (name === 'codelist_entries') return 'forms/codelists/*.json';
    }
    return migrations.get(table) ?? 'không rõ';
  };
  for (const [table, e] of Object.entries(dict.tables)) {
    out.set(table, { table: e.description, columns: { ...(e.columns ?? {}) }, describedIn: 'transforms/dictionary.json', source: sourceOf(table) });
  }
  for (const d of loadRegistry().datasets) {
    const prev = out.get(d.table);
    out.set(d.table, {
      table: d.description || prev?.table,
      columns: { ...(prev?.columns ?? {}), ...d.columns },
      describedIn: Object.keys(d.columns).length ? 'dashboards/registry.json' : prev?.describedIn ?? 'dashboards/registry.json',
      source: sourceOf(d.table),
    });
  }
  const lineage = dict.lineage ?? {};
  for (const form of listForms()) {
    const layouts = listLayouts().filter((l) => l.form === form.form);
    const columns: Record<string, string> = { ...lineage };
    for (const l of layouts) {
      for (const m of l.meta) columns[m.key] ??= `${m.label} (phần đầu biểu mẫu)`;
      for (const c of l.columns) columns[c.key] ??= `Cột "${c.headers[0]}"${c.personal ? ' (thông tin cá nhân, không công bố)' : ''}`;
    }
    out.set(`raw.${form.form}`, {
      table: `${form.title} (${form.regulation}), các dòng nhận từ tệp trường gửi, mọi cột dạng chữ như trong tệp`,
      columns,
      describedIn: `forms/layouts/${form.form}*.json`,
      source: `lake/staging/${form.form}/<kỳ>/<sha256>.parquet ← ${layouts.map((l) => `forms/layouts/${l.id}.json`).join(', ')}`,
    });
  }
  const gridColumns = dict.tables['raw.<grid>']?.columns ?? {};
  for (const g of new Set(listGrids().map((x) => x.form))) {
    const versions = listGrids().filter((x) => x.form === g);
    out.set(`raw.${g}`, {
      table: `Biểu thống kê ${[...new Set(versions.map((x) => `${x.symbol} (${x.regulation})`))].join('; ')}: mỗi ô một dòng (mã dòng, mã cột, giá trị)`,
      columns: { ...lineage, ...gridColumns },
      describedIn: 'transforms/dictionary.json (raw.<grid>)',
      source: `lake/staging/${g}/<kỳ>/<sha256>.parquet ← forms/grids/${g}*.json`,
    });
  }
  return out;
}

/** Every table and column of the schemas in DICTIONARY_SCHEMAS, described. */
export async function dictionaryRows(wh: Warehouse, transformsDir: string, modelSources: Map<string, string>): Promise<DictionaryRow[]> {
  const described = descriptions(transformsDir, modelSources);
  const list = DICTIONARY_SCHEMAS.map((s) => `'${s}'`).join(', ');
  const tables = await wh.rows<{ table_schema: string; table_name: string }>(
    `select table_schema, table_name from information_schema.tables
     where table_catalog = current_database() and table_schema in (${list}) and table_type in ('BASE TABLE', 'VIEW')
     order by table_schema, table_name`);
  const columns = await wh.rows<{ table_schema: string; table_name: string; column_name: string; ordinal_position: number; data_type: string }>(
    `select table_schema, table_name, column_name, ordinal_position::integer as ordinal_position, data_type from information_schema.columns
     where table_catalog = current_database() and table_schema in (${list})
     order by table_schema, table_name, ordinal_position`);
  const rows: DictionaryRow[] = [];
  for (const t of tables) {
    const id = `${t.table_schema}.${t.table_name}`;
    const d = described.get(id);
    const source = d?.source ?? (modelSources.get(id) ?? migrationSources().get(id) ?? 'không rõ');
    rows.push({ ...t, column_name: null, ordinal_position: null, data_type: null, description: d?.table ?? null, source, described_in: d?.table ? d.describedIn : null });
    for (const c of columns.filter((x) => x.table_schema === t.table_schema && x.table_name === t.table_name)) {
      const desc = d?.columns[c.column_name] ?? null;
      rows.push({ ...c, description: desc, source, described_in: desc ? d!.describedIn : null });
    }
  }
  return rows;
}

function modelSourcesOf(transformsDir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const layer of ['staging', 'core', 'marts']) {
    let files: string[] = [];
    try {
      files = readdirSync(join(transformsDir, layer)).filter((f) => f.endsWith('.sql'));
    } catch { /* no such layer */ }
    for (const f of files) {
      const sql = readFileSync(join(transformsDir, layer, f), 'utf8').replace(/--[^\n]*/g, '');
      const refs = [...new Set(sql.match(/\b(raw|staging|core|marts|ref|ops)\.[a-z_][a-z0-9_]*\b/g) ?? [])].sort();
      out.set(`${layer}.${f.replace(/\.sql$/, '')}`, `transforms/${layer}/${f}${refs.length ? ` ← ${refs.join(', ')}` : ''}`);
    }
  }
  return out;
}

/** Rewrite ops.data_dictionary from the tables as they are now (inside the caller's transaction). */
export async function refreshDataDictionary(wh: Warehouse, transformsDir: string): Promise<DictionaryRow[]> {
  const rows = await dictionaryRows(wh, transformsDir, modelSourcesOf(transformsDir));
  await wh.run('delete from ops.data_dictionary');
  // one insert from a JSON literal: thousands of rows, one statement
  await wh.run(`insert into ops.data_dictionary by name
    select * from (select unnest(from_json($1::json, '[{"table_schema":"VARCHAR","table_name":"VARCHAR","column_name":"VARCHAR","ordinal_position":"INTEGER","data_type":"VARCHAR","description":"VARCHAR","source":"VARCHAR","described_in":"VARCHAR"}]'), recursive := true))`,
  [JSON.stringify(rows)]);
  return rows;
}

const SCHEMA_TITLES: Record<string, string> = {
  raw: 'raw — dòng nhận từ tệp, như trong hồ dữ liệu',
  staging: 'staging — làm sạch, đặt tên, mã hoá',
  core: 'core — thực thể nghiệp vụ',
  marts: 'marts — bảng công bố và chỉ tiêu',
  ref: 'ref — dữ liệu tham chiếu thật (danh mục, đơn vị hành chính, GSO)',
  ops: 'ops — vận hành: tệp, lỗi, các lần chạy, kiểm tra',
  audit: 'audit — nhật ký chỉ ghi thêm',
};

function cell(s: string | null): string {
  return (s ?? '').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** docs/data-dictionary.md from the dictionary rows. Deterministic: no dates, no counts of rows. */
export function dictionaryMarkdown(rows: DictionaryRow[]): string {
  const out: string[] = [
    '# Từ điển dữ liệu (data dictionary)',
    '',
    '<!-- Generated by `thongke dictionary` from a freshly built warehouse; do not edit. Descriptions live in',
    '     dashboards/registry.json (published marts), forms/layouts (raw list forms) and transforms/dictionary.json (everything else). -->',
    '',
    'Mọi bảng và cột của kho, với mô tả và nguồn. Cột chưa có mô tả ghi _(chưa mô tả)_. Cùng nội dung có trong bảng `ops.data_dictionary`.',
    '',
  ];
  for (const schema of DICTIONARY_SCHEMAS) {
    const tables = rows.filter((r) => r.table_schema === schema && r.column_name === null);
    if (!tables.length) continue;
    out.push(`## ${SCHEMA_TITLES[schema]}`, '');
    for (const t of tables) {
      out.push(`### ${schema}.${t.table_name}`, '', t.description ?? '_(chưa mô tả)_', '', `Nguồn: \`${t.source}\``, '');
      out.push('| Cột | Kiểu | Mô tả |', '|---|---|---|');
      for (const c of rows.filter((r) => r.table_schema === schema && r.table_name === t.table_name && r.column_name !== null)) {
        out.push(`| \`${c.column_name}\` | ${cell(c.data_type)} | ${c.description ? cell(c.description) : '_(chưa mô tả)_'} |`);
      }
      out.push('');
    }
  }
  return out.join('\n');
}
