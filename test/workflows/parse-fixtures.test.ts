// The parser against the answer key of a generated set: every file's counts, and every defect the
// parser can see (cells that reject a row, legacy text it converts with a warning) at its sheet,
// row and column with the right code — and nothing else reported.
import { beforeAll, expect, test } from 'vitest';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { generate, type GenerateResult } from '../../fixtures/generate.js';
import { parseWorkbook } from '../../workflows/ingest/parse-workbook.js';
import { tempHome } from '../helpers/env.js';
import { isVietnameseText } from '../../forms/legacy-text.js';

// defect kind → the code the parser reports for it
const CODE: Record<string, string> = {
  code_not_in_list: 'code_not_in_list', missing_required: 'missing_required', bad_date: 'bad_date',
  ref_error: 'invalid_cell', question_mark: 'invalid_cell', hash_mark: 'invalid_cell',
  legacy_tcvn3: 'legacy_tcvn3', legacy_vni: 'legacy_vni', totals_mismatch: 'totals_mismatch',
};

let out: string;
let set: GenerateResult;

beforeAll(async () => {
  out = tempHome('parse-fixtures-');
  set = await generate({ scale: 'tiny', seed: 11, out, dirtRate: 0.05 });
}, 120_000);

test('every file: counts and findings equal the answer key', async () => {
  const home = tempHome('parse-home-');
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  const mismatches: unknown[] = [];
  let checked = 0;
  for (const [i, f] of set.files.entries()) {
    if (f.file.includes('!')) continue; // zip members: ingest of bundles is tested elsewhere
    const r = await parseWorkbook({ home, path: join(out, f.file), fileName: f.file, sha256: String(i).padStart(64, '0'), rawPath: 'x' });
    if (f.file.endsWith('.xls')) {
      expect(r.status).toBe('rejected');
      expect(r.message).toContain('Excel 97–2003 (.xls)');
      continue;
    }
    checked++;
    const counts = [r.rowsRead, r.rowsAccepted, r.rowsRejected, r.rowsIgnored];
    const want = [f.rows_read, f.rows_accepted, f.rows_rejected, f.rows_ignored];
    const found = (await con.runAndReadAll(`select sheet, row_number, column_letter, code from '${join(home, r.rejectsPath!)}'`)).getRowObjectsJS()
      .map((x) => `${x.sheet}!${x.column_letter}${x.row_number} ${x.code}`).sort();
    const expected = set.defects.filter((d) => d.file === f.file && CODE[d.kind]).map((d) => `${d.sheet}!${d.column}${d.row} ${CODE[d.kind]}`).sort();
    if (r.form !== f.form || JSON.stringify(counts) !== JSON.stringify(want) || JSON.stringify(found) !== JSON.stringify(expected)) {
      mismatches.push({ file: f.file, form: [r.form, f.form], counts, want, found, expected });
    }
  }
  con.closeSync();
  db.closeSync();
  expect(checked).toBeGreaterThan(100);
  expect(mismatches).toEqual([]);
  // the set exercised what it should
  const kinds = new Set(set.defects.map((d) => d.kind));
  for (const k of Object.keys(CODE)) expect(kinds, k).toContain(k);
}, 180_000);

test('legacy names come out in Unicode, as they were before encoding', async () => {
  const home = tempHome('parse-legacy-');
  const legacy = set.defects.filter((d) => (d.kind === 'legacy_tcvn3' || d.kind === 'legacy_vni') && !d.file.includes('!') && !d.file.endsWith('.xls'));
  expect(legacy.length).toBeGreaterThan(0);
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  for (const d of legacy.slice(0, 20)) {
    const r = await parseWorkbook({ home, path: join(out, d.file), fileName: d.file, sha256: 'a'.repeat(64), rawPath: 'x' });
    const [row] = (await con.runAndReadAll(`select full_name from '${join(home, r.stagingPath!)}' where sheet = '${d.sheet!.replace(/'/g, "''")}' and row_number = '${d.row}'`)).getRowObjectsJS();
    // decoded names are plain Vietnamese: Unicode letters only, each word capitalised
    const name = String(row?.full_name);
    expect(name).toMatch(/^(\p{Lu}\p{Ll}*)( \p{Lu}\p{Ll}*)+$/u);
    expect(isVietnameseText(name), name).toBe(true);
  }
  con.closeSync();
  db.closeSync();
}, 120_000);

test('every statistical return of the set reads back to its true values', async () => {
  const { readGrid } = await import('../../workflows/ingest/parse-grid.js');
  expect(set.grids.length).toBeGreaterThan(10);
  const forms = new Set<string>();
  for (const g of set.grids) {
    const read = await readGrid(join(out, g.file), g.file);
    expect(`${read.layout?.form}@${read.layout?.version}`, g.file).toBe(`${g.form}@${g.version}`);
    expect(read.period, g.file).toBe(g.period);
    const values: Record<string, Record<string, Record<string, number | null>>> = {};
    for (const c of read.cells) ((values[c.sheetKey] ??= {})[c.rowId] ??= {})[c.columnKey] = c.value;
    expect(values, g.file).toEqual(g.values);
    forms.add(`${g.form}@${g.version}`);
  }
  // TT 25/2024 forms for 2025-26, TT 24/2018 before, start and end of year, and the csdl export
  expect([...forms].sort()).toEqual(expect.arrayContaining(['mn_dau_nam@tt24-2018', 'mn_dau_nam@tt25-2024', 'th_cuoi_nam@tt24-2018', 'th_dau_nam@tt25-2024']));
}, 120_000);
