// The files generated from the warehouse schema are current, and the data dictionary is complete:
// every column of every core and mart table has a description, in one place only.
import { beforeAll, describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { DICTIONARY_MD, SCHEMA_TS, generateFromSchema, tsType, type Generated } from '../../warehouse/generate.js';
import { readDictionary } from '../../transforms/dictionary.js';
import { transformsDir } from '../../transforms/runner.js';
import { loadRegistry } from '../../dashboards/registry.js';

let g: Generated;

beforeAll(async () => {
  g = await generateFromSchema();
});

describe('generated from a freshly built warehouse', () => {
  test('warehouse/generated/schema.ts is current (else: thongke gen-types)', () => {
    expect(readFileSync(SCHEMA_TS, 'utf8') === g.schemaTs, 'warehouse/generated/schema.ts is stale: run `node bin/thongke.mjs gen-types`').toBe(true);
  });
  test('docs/data-dictionary.md is current (else: thongke dictionary)', () => {
    expect(readFileSync(DICTIONARY_MD, 'utf8') === g.dictionaryMd, 'docs/data-dictionary.md is stale: run `node bin/thongke.mjs dictionary`').toBe(true);
  });
  test('DuckDB types map to what kysely-duckdb returns', () => {
    expect(['VARCHAR', 'BIGINT', 'INTEGER', 'DOUBLE', 'BOOLEAN', 'DATE', 'TIMESTAMP WITH TIME ZONE', 'VARCHAR[]', 'DECIMAL(18,3)', 'JSON', 'STRUCT(a INTEGER)'].map(tsType))
      .toEqual(['string', 'bigint', 'number', 'number', 'boolean', 'Date', 'Date', 'string[]', 'DuckDBDecimalValue', 'string', 'unknown']);
  });
});

describe('data dictionary', () => {
  test('every table and column of core and marts has a description (the list names the missing ones)', () => {
    const missing = g.dictionary
      .filter((r) => ['core', 'marts'].includes(r.table_schema) && !r.description)
      .map((r) => `${r.table_schema}.${r.table_name}${r.column_name ? `.${r.column_name}` : ''}`);
    expect(missing).toEqual([]);
  });

  test('a column is described in one place: registry.json for published marts, else transforms/dictionary.json', () => {
    const dict = readDictionary(transformsDir).tables;
    const twice = loadRegistry().datasets.flatMap((d) => Object.keys(d.columns).filter((c) => dict[d.table]?.columns?.[c] !== undefined).map((c) => `${d.table}.${c}`));
    expect(twice).toEqual([]);
  });

  test('transforms/dictionary.json describes only tables and columns the warehouse has', () => {
    const have = new Set(g.dictionary.map((r) => `${r.table_schema}.${r.table_name}${r.column_name ? `.${r.column_name}` : ''}`));
    const stale = Object.entries(readDictionary(transformsDir).tables).flatMap(([t, e]) => [
      ...(have.has(t) || t === 'raw.<grid>' ? [] : [t]),
      ...Object.keys(e.columns ?? {}).filter((c) => t !== 'raw.<grid>' && !have.has(`${t}.${c}`)).map((c) => `${t}.${c}`),
      ...[...(e.unique ?? []).flat(), ...(e.not_null ?? [])].filter((c) => !have.has(`${t}.${c}`)).map((c) => `${t}.${c} (key)`),
    ]);
    expect(stale).toEqual([]);
  });
});
