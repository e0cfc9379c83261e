// Tables whose shape comes from forms/: raw.<form> (one per layout, from its columns) and
// ref.codelist_entries (every vendored code list). Both are read from the one home of the fact.
import { join } from 'node:path';
import type { Warehouse } from './db.js';
import { formsDir, listForms, rawColumnNames } from '../forms/layout.js';
import { qualified, quotedIdentifier, quotedString } from './sql.js';

export function rawTableDdl(form: string, columns: string[]): string {
  return `create table if not exists ${qualified('raw', form)} (${columns.map((c) => `${quotedIdentifier(c)} varchar`).join(', ')})`;
}

export async function ensureRawTables(wh: Warehouse): Promise<void> {
  for (const layout of listForms()) await wh.run(rawTableDdl(layout.form, rawColumnNames(layout)));
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
