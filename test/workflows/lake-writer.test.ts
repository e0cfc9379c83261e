// The parser's lake writer (workflows/ingest/parquet-writer.ts) on real Parquet read back by
// DuckDB: what is written is what was given, row for row and in order, whichever way a column is
// stored (dictionary or plain values, compressed or not), for findings of any number, and for
// writes that overlap.
import { beforeAll, expect, test } from 'vitest';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { writeFindings, writeLakeFiles, type Finding } from '../../workflows/ingest/lake-writer.js';
import { tempHome } from '../helpers/env.js';

const home = tempHome('lake-writer-');
let con: DuckDBConnection;

beforeAll(async () => {
  con = await (await DuckDBInstance.create(':memory:')).connect();
});

const read = async (path: string) => (await con.runAndReadAll(`select * from read_parquet('${path}')`)).getRowsJS();
const schema = async (path: string) => (await con.runAndReadAll(`select column_name, column_type from (describe select * from read_parquet('${path}'))`)).getRowsJS();
const file = { sha256: 'a'.repeat(64), fileName: 'Trường A.xlsx' };

test('rows come back as written, in order: columns with one value, varying ones, nulls, a NUL byte', async () => {
  const columns = ['file_sha256', 'sheet', 'row_number', 'school_code', 'name', 'note'];
  const rows = Array.from({ length: 700 }, (_, i) => [file.sha256, 'Sheet1', String(8 + i), "T'01", `Nguyễn Văn ${i}`, i % 3 ? null : 'ghi chú']);
  rows[5]![5] = 'a\0b';
  const target = join(home, 'staging', 'a.parquet');
  await writeLakeFiles(target, columns, rows, join(home, 'rejects', 'a.parquet'), file, []);
  expect(await read(target)).toEqual(rows);
  expect(await schema(target)).toEqual(columns.map((c) => [c, 'VARCHAR']));
  // the names are compressed, a column of one value is not worth a zlib stream
  const codecs = Object.fromEntries((await con.runAndReadAll(`select path_in_schema, compression from parquet_metadata('${target}')`)).getRowsJS());
  expect(codecs).toMatchObject({ name: 'GZIP', file_sha256: 'UNCOMPRESSED', school_code: 'UNCOMPRESSED' });
});

test('a single row, and a column of one value holding a NUL byte', async () => {
  const columns = ['file_sha256', 'sheet', 'value'];
  for (const rows of [[[file.sha256, 'Sheet1', 'x']], [[file.sha256, 'a\0', null], [file.sha256, 'a\0', null]]]) {
    const target = join(home, 'staging', `one-${rows.length}.parquet`);
    await writeLakeFiles(target, columns, rows, join(home, 'rejects', `one-${rows.length}.parquet`), file, []);
    expect(await read(target)).toEqual(rows);
  }
});

test('findings: none, a few and many give the same columns and types, values as given', async () => {
  const finding = (i: number): Finding => ({ severity: i % 2 ? 'warning' : 'error', code: 'bad_date', sheet: i % 5 ? 'Sheet1' : null, row: i % 7 ? 8 + i : null,
    column: 'E', header: 'Ngày sinh', value: i % 4 ? `3${i}/02/2015` : null, reason: `"3${i}/02/2015" không phải ngày dạng dd/mm/yyyy` });
  const types: unknown[] = [];
  for (const n of [0, 3, 1200]) {
    const target = join(home, 'rejects', `f-${n}.parquet`);
    const findings = Array.from({ length: n }, (_, i) => finding(i));
    await writeFindings(target, file, findings);
    expect(await read(target)).toEqual(findings.map((f) => [file.sha256, file.fileName, f.sheet, f.row, f.column, f.header, f.value, f.reason, f.code, f.severity]));
    types.push(await schema(target));
  }
  expect(types[1]).toEqual(types[0]);
  expect(types[2]).toEqual(types[0]);
  expect(types[0]).toContainEqual(['row_number', 'INTEGER']);
});

test('writes that overlap (the main thread writes bundle findings while another write runs) each get their own rows', async () => {
  const writes = Array.from({ length: 6 }, (_, k) => {
    const columns = k % 2 ? ['a', 'b'] : ['a', 'b', 'c'];
    const rows = Array.from({ length: 50 + k }, (_, i) => columns.map((c) => `${k}-${c}-${i}`));
    return { target: join(home, 'staging', `w${k}.parquet`), columns, rows };
  });
  await Promise.all(writes.map((w, k) => writeLakeFiles(w.target, w.columns, w.rows, join(home, 'rejects', `w${k}.parquet`), file, [])));
  for (const w of writes) expect(await read(w.target)).toEqual(w.rows);
});

test('the Parquet writer: many columns, a column all null, long texts, integers with nulls; wrong values refused', async () => {
  const { parquetFile } = await import('../../workflows/ingest/parquet-writer.js');
  const { writeFileSync } = await import('node:fs');
  const columns = [...Array.from({ length: 20 }, (_, i) => ({ name: `c${i}`, type: 'varchar' as const })), { name: 'n', type: 'integer' as const }];
  const rows = Array.from({ length: 300 }, (_, r) => [...columns.slice(0, 20).map((_, i) => (i === 3 ? null : i === 7 ? 'Trường '.repeat(200) + r : (r + i) % 4 ? `${r}:${i}` : null)), r % 3 ? -r * 1000 : null]);
  const target = join(home, 'writer.parquet');
  writeFileSync(target, parquetFile(columns, rows));
  expect(await read(target)).toEqual(rows);
  expect(await schema(target)).toEqual(columns.map((c) => [c.name, c.type === 'integer' ? 'INTEGER' : 'VARCHAR']));
  writeFileSync(target, parquetFile(columns, []));
  expect(await read(target)).toEqual([]);
  expect(() => parquetFile([{ name: 'n', type: 'integer' }], [[2 ** 31]])).toThrow(/cannot hold/);
  expect(() => parquetFile([{ name: 'n', type: 'integer' }], [['1']])).toThrow(/cannot hold/);
});

test('texts are UTF-8 as Node encodes them: Vietnamese in NFC and NFD, emoji (surrogate pairs), a lone surrogate, every byte length', async () => {
  const { parquetFile } = await import('../../workflows/ingest/parquet-writer.js');
  const { writeFileSync } = await import('node:fs');
  const texts = ['', 'a', 'Nguyễn Thị Ánh', 'Nguyễn'.normalize('NFD'), 'đ\u0080\u07ff\u0800\uffff', '😀 x 👩‍👩‍👧', 'a\ud800b', '\udc00', 'z'.repeat(10_000)];
  const target = join(home, 'utf8.parquet');
  writeFileSync(target, parquetFile([{ name: 't', type: 'varchar' }], texts.map((t) => [t])));
  const got = (await read(target)).map((r) => r[0] as string);
  expect(got.map((t) => Buffer.from(t))).toEqual(texts.map((t) => Buffer.from(t)));
});

test('text columns of few distinct values (a dictionary): one value, two, 700 (indices wider than a byte), with nulls', async () => {
  const { parquetFile } = await import('../../workflows/ingest/parquet-writer.js');
  const { writeFileSync } = await import('node:fs');
  const columns = ['one', 'two', 'many', 'mixed'].map((name) => ({ name, type: 'varchar' as const }));
  const rows = Array.from({ length: 4000 }, (_, r) => ['Trường Tiểu học Số 1', r % 2 ? 'Nam' : 'Nữ', `Lớp ${(r * 7) % 700}`, r % 5 ? `m${r % 3}` : null]);
  const target = join(home, 'dictionary.parquet');
  writeFileSync(target, parquetFile(columns, rows));
  expect(await read(target)).toEqual(rows);
  const encodings = (await con.runAndReadAll(`select path_in_schema, encodings from parquet_metadata('${target}')`)).getRowsJS();
  expect(encodings.every((e) => String(e[1]).includes('RLE_DICTIONARY'))).toBe(true);
});
