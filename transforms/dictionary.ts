// transforms/dictionary.json: what the models mean, as data. Per table (schema.name): a
// description, the columns' descriptions, and the keys the generic assertions check (unique
// column sets, columns that must not be null). It is the one home of model and column
// descriptions, except for published marts, whose columns are described in
// dashboards/registry.json (the dictionary reads them from there; describing a column in both
// places is refused by the dictionary test).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TableEntry {
  description?: string;
  /** Column sets that identify a row: each gets a generated `unique__…` assertion (error). */
  unique?: string[][];
  /** Columns that must be filled: one generated `not_null__…` assertion (error) per table. */
  not_null?: string[];
  columns?: Record<string, string>;
}

export interface DictionaryFile {
  /** Columns every raw.<form> table carries (lineage), described once. */
  lineage?: Record<string, string>;
  tables: Record<string, TableEntry>;
}

export function dictionaryPath(dir: string): string {
  return join(dir, 'dictionary.json');
}

export function readDictionary(dir: string): DictionaryFile {
  const file = dictionaryPath(dir);
  if (!existsSync(file)) return { tables: {} };
  const o = JSON.parse(readFileSync(file, 'utf8')) as DictionaryFile;
  if (typeof o.tables !== 'object' || o.tables === null) throw new Error(`${file}: "tables" must be an object`);
  for (const [table, e] of Object.entries(o.tables)) {
    // raw.<grid>: the columns every grid form's raw table carries (warehouse/dictionary.ts)
    if (table !== 'raw.<grid>' && !/^[a-z_]+\.[a-z_][a-z0-9_]*$/.test(table)) throw new Error(`${file}: "${table}" is not schema.table`);
    for (const set of e.unique ?? []) if (!Array.isArray(set) || !set.length) throw new Error(`${file}: ${table}.unique must be a list of column lists`);
    if (e.not_null && !Array.isArray(e.not_null)) throw new Error(`${file}: ${table}.not_null must be a list of columns`);
  }
  return o;
}
