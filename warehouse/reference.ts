// Tables whose shape comes from forms/: raw.<form> (one per layout, from its columns) and
// ref.codelist_entries (every vendored code list); and the administrative-unit registry
// (ref.admin_*), read as-is from the CSVs vendored in reference/admin/. All are read from the
// one home of the fact.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Warehouse } from './db.js';
import { formsDir, listForms, formColumnNames } from '../forms/layout.js';
import { GRID_COLUMNS, listGrids } from '../forms/grids.js';
import { qualified, quotedIdentifier, quotedString } from './sql.js';

export function rawTableDdl(form: string, columns: string[]): string {
  return `create table if not exists ${qualified('raw', form)} (${columns.map((c) => `${quotedIdentifier(c)} varchar`).join(', ')})`;
}

export async function ensureRawTables(wh: Warehouse): Promise<void> {
  // statistical returns (forms/grids): one long table per form, the same columns for all
  for (const g of new Set(listGrids().map((x) => x.form))) await wh.run(rawTableDdl(g, [...GRID_COLUMNS]));
  await loadGridLayouts(wh);
  for (const layout of listForms()) {
    await wh.run(rawTableDdl(layout.form, formColumnNames(layout.form)));
    // a form that gained columns since the table was made
    for (const c of formColumnNames(layout.form)) await wh.run(`alter table ${qualified('raw', layout.form)} add column if not exists ${quotedIdentifier(c)} varchar`);
  }
}

/**
 * The grid forms as tables, from forms/grids: raw.grid_returns (a view: every grid form's raw rows
 * in one relation, so SQL need not list the forms) and ref.grid_layout_cells (one row per value
 * cell of every form version: its sheet, row and column with their order; headings left out), so
 * that SQL can tell which sheet a row code belongs to (row codes repeat across sheets, e.g. 15–19
 * in the Trường-Lớp and Ngân sách sheets of 01-MN-ĐN; a (row, column) pair does not).
 */
export async function loadGridLayouts(wh: Warehouse): Promise<void> {
  const grids = listGrids();
  const forms = [...new Set(grids.map((g) => g.form))];
  await wh.run(`create or replace view raw.grid_returns as ${forms.map((f) => `select * from ${qualified('raw', f)}`).join(' union all by name ')}`);
  const cells = grids.flatMap((g) => g.sheets.flatMap((s, si) => s.rows.filter((r) => !r.heading).flatMap((r, ri) => s.columns.map((c, ci) => ({
    form: g.form, form_version: g.version, symbol: g.symbol, sheet_key: s.key, sheet_order: si + 1, row_id: r.id, row_order: ri + 1, column_key: c.key, column_order: ci + 1, is_blank: r.blank,
  })))));
  await wh.run('create schema if not exists ref');
  await wh.run(`create or replace table ref.grid_layout_cells as
    select * from (select unnest(from_json($1::json, '[{"form":"VARCHAR","form_version":"VARCHAR","symbol":"VARCHAR","sheet_key":"VARCHAR","sheet_order":"INTEGER","row_id":"VARCHAR","row_order":"INTEGER","column_key":"VARCHAR","column_order":"INTEGER","is_blank":"BOOLEAN"}]'), recursive := true))`, [JSON.stringify(cells)]);
}

/** (Re)load ref.codelist_entries from forms/codelists/*.json. */
export async function loadCodelists(wh: Warehouse): Promise<void> {
  const glob = quotedString(join(formsDir, 'codelists', '*.json'));
  await wh.run(`create schema if not exists ref`);
  await wh.run(`create or replace table ref.codelist_entries as
    with lists as (
        select codelist, title, unnest(entries) as e
        from read_json(${glob}, columns = {codelist: 'varchar', title: 'varchar', entries: 'json[]'})
    )
    select
        codelist,
        title as codelist_title,
        e ->> 'code' as code,
        e ->> 'name' as name,
        e -> 'extra' as extra
    from lists`);
}

/** reference/ in the source tree (also when running from dist/warehouse). */
export const referenceDir = fileURLToPath(new URL(import.meta.url.endsWith('/dist/warehouse/reference.js') ? '../../reference/' : '../reference/', import.meta.url));

/** ref.<table> ← reference/<file>: the vendored admin-unit CSVs (reference/README.md, shared/data/README.md). */
export const ADMIN_REFERENCE_FILES: Record<string, string> = {
  admin_pre2025_districts: 'admin/pre2025/gso_danhmuchanhchinh_district_2025-07-18.csv',
  admin_pre2025_communes: 'admin/pre2025/gso_danhmuchanhchinh_ward_2025-07-18.csv',
  admin_two_tier_2025: 'admin/two_tier_2025/units_two_tier_2025-07-01.csv',
  admin_two_tier_2026: 'admin/two_tier_2026/units_two_tier_2026-07-25.csv',
  admin_crosswalk_2025_communes: 'admin/crosswalk_2025/vietnamadminunits_convert_legacy_2025_simple.csv',
  admin_crosswalk_2025_provinces: 'admin/crosswalk_2025/province_crosswalk_63_to_34_derived.csv',
};

/**
 * (Re)load ref.admin_* from reference/admin/: every column as text, exactly as in the file (a BOM
 * and CRLF line ends are fine; codes such as `1.0` stay text). core.units / core.unit_crosswalk
 * pad, clean and date them.
 */
export async function loadAdminReference(wh: Warehouse): Promise<void> {
  await wh.run(`create schema if not exists ref`);
  for (const [table, file] of Object.entries(ADMIN_REFERENCE_FILES)) {
    await wh.run(`create or replace table ${qualified('ref', table)} as
    select *
    from read_csv(${quotedString(join(referenceDir, file))}, header = true, all_varchar = true, delim = ',', quote = '"')`);
  }
}
