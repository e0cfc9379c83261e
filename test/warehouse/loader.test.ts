// The loader on a real DuckDB file with real lake Parquet (written by the parser's own lake
// writer): a task of files in one transaction, superseding in load order as one load after
// another would, and the versions of a form that are halves of one school's year, not
// resubmissions.
import { afterEach, beforeEach, expect, test } from 'vitest';
import { join } from 'node:path';
import { openWarehouse, type Warehouse } from '../../warehouse/db.js';
import { loadParsedFiles } from '../../warehouse/loader.js';
import { lake } from '../../warehouse/lake.js';
import { loadLayout, rawColumnNames } from '../../forms/layout.js';
import { writeLakeFiles } from '../../workflows/ingest/lake-writer.js';
import type { ParseResult } from '../../workflows/ingest/types.js';
import { tempHome } from '../helpers/env.js';

let home: string;
let wh: Warehouse;

beforeEach(async () => {
  home = tempHome('loader-');
  wh = await openWarehouse(join(home, 'warehouse.duckdb'));
});

afterEach(() => wh.close());

let n = 0;

/** A parsed results list (mẫu số 2) of `layout` for school S1, 2022-2023, with `pupils` rows, its Parquet in the lake. */
async function resultsList(layoutId: string, pupils: number): Promise<ParseResult> {
  const sha256 = String(++n).padStart(64, '0');
  const layout = loadLayout(layoutId);
  const columns = rawColumnNames(layout);
  const rows = Array.from({ length: pupils }, (_, i) => columns.map((c) =>
    c === 'file_sha256' ? sha256 : c === 'sheet' ? 'Sheet1' : c === 'row_number' ? String(8 + i)
      : c === 'school_code' ? 'S1' : c === 'school_year' ? '2022-2023' : c === 'pupil_code' ? `P${n}-${i}` : null));
  const stagingPath = lake.staging(layout.form, '2022-2023', sha256);
  const rejectsPath = lake.rejects(layout.form, '2022-2023', sha256);
  await writeLakeFiles(join(home, stagingPath), columns, rows, join(home, rejectsPath), { sha256, fileName: `f${n}.xlsx` }, []);
  return {
    parserVersion: 1, fileName: `${layoutId}-${n}.xlsx`, sha256, rawPath: `lake/raw/${sha256}.xlsx`, status: 'parsed', message: null,
    form: layout.form, formVersion: layout.version, period: '2022-2023', schoolCode: 'S1',
    rowsRead: pupils, rowsAccepted: pupils, rowsRejected: 0, rowsIgnored: 0, stagingPath, rejectsPath,
  };
}

const current = async () => (await wh.rowsJson(
  `select file_name, status, is_current, superseded_by from ops.files order by load_seq`,
)) as { file_name: string; status: string; is_current: boolean; superseded_by: string | null }[];

test('one task: rows of every file in raw, ops.files in the task order, summaries per file', async () => {
  const a = await resultsList('lop_ket_qua', 3);
  const b = await resultsList('lop_ket_qua.th', 2);
  const out = await loadParsedFiles(wh, home, [a, b, a]);
  expect(out.map((s) => [s.file, s.status, s.rows_accepted])).toEqual([[a.fileName, 'loaded', 3], [b.fileName, 'loaded', 2], [a.fileName, 'unchanged', 3]]);
  expect((await wh.rowsJson('select count(*)::integer as n from raw.lop_ket_qua'))[0]!.n).toBe(5);
  expect((await current()).map((f) => f.file_name)).toEqual([a.fileName, b.fileName]);
  // the same files again: nothing changes
  expect((await loadParsedFiles(wh, home, [b, a])).map((s) => s.status)).toEqual(['unchanged', 'unchanged']);
  expect((await wh.rowsJson('select count(*)::integer as n from raw.lop_ket_qua'))[0]!.n).toBe(5);
});

test('the TT 58, TT 22 and primary results lists of one school and year all count; a resubmission of one replaces only it', async () => {
  const tt22 = await resultsList('lop_ket_qua', 3);
  const th = await resultsList('lop_ket_qua.th', 2);
  const tt58 = await resultsList('lop_ket_qua.tt58', 4);
  await loadParsedFiles(wh, home, [tt22, th]);
  await loadParsedFiles(wh, home, [tt58]);
  expect((await current()).map((f) => [f.file_name, f.is_current])).toEqual([[tt22.fileName, true], [th.fileName, true], [tt58.fileName, true]]);
  const again = await resultsList('lop_ket_qua.tt58', 5);
  await loadParsedFiles(wh, home, [again]);
  expect((await current()).map((f) => [f.file_name, f.status, f.superseded_by])).toEqual([
    [tt22.fileName, 'loaded', null], [th.fileName, 'loaded', null], [tt58.fileName, 'superseded', again.sha256], [again.fileName, 'loaded', null],
  ]);
});

test('three versions of one list in one task: each supersedes the one loaded before it, the last counts', async () => {
  const first = await resultsList('lop_ket_qua', 1);
  await loadParsedFiles(wh, home, [first]);
  const second = await resultsList('lop_ket_qua', 2);
  const third = await resultsList('lop_ket_qua', 3);
  const out = await loadParsedFiles(wh, home, [second, third]);
  // each summary says what that file's load did, wherever the batch was cut into tasks
  expect(out.map((s) => [s.status, s.message])).toEqual([['loaded', null], ['loaded', null]]);
  expect((await current()).map((f) => [f.file_name, f.status, f.superseded_by])).toEqual([
    [first.fileName, 'superseded', second.sha256], [second.fileName, 'superseded', third.sha256], [third.fileName, 'loaded', null],
  ]);
  expect((await wh.rowsJson('select message from ops.files where file_sha256 = $1', [second.sha256]))[0]!.message).toContain(`được thay bằng tệp ${third.fileName}`);
});
