// `thongke sql` for analysts: Parquet to a file, Arrow IPC with the column types kept, any format
// to a file with --out, and still read-only.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { dist } from '../helpers/dist.js';
import { tempHome, thongke } from '../helpers/env.js';

const home = tempHome();
const env = { THONGKE_HOME: home };
const QUERY = 'select * from marts.t order by id';

beforeAll(async () => {
  const { withWarehouse } = await dist.db();
  await withWarehouse(join(home, 'warehouse.duckdb'), (wh) => wh.run(`create table marts.t as
    select * from (values
        (1::bigint, 'Hà Nội', 2.5::double, true, date '2025-09-05', 12::integer, 3.25::decimal(9, 2)),
        (9007199254740993::bigint, null, null, false, null, null, null)
    ) as v (id, ten, ti_le, cong_lap, ngay, so_lop, diem)`));
});

afterAll(() => rmSync(home, { recursive: true, force: true }));

test('parquet to a file: the same rows and types as the warehouse', async () => {
  const out = join(home, 'out.parquet');
  const r = await thongke(['sql', '--format', 'parquet', '--out', out, QUERY], env);
  expect([r.code, r.stderr]).toEqual([0, '']);
  const { openWarehouse } = await dist.db();
  const wh = await openWarehouse(join(home, 'check.duckdb'));
  try {
    const rows = await wh.rowsJson(`select * from read_parquet('${out}') order by id`);
    expect(rows).toEqual([
      { id: '1', ten: 'Hà Nội', ti_le: 2.5, cong_lap: true, ngay: '2025-09-05', so_lop: 12, diem: '3.25' },
      { id: '9007199254740993', ten: null, ti_le: null, cong_lap: false, ngay: null, so_lop: null, diem: null },
    ]);
    const types = await wh.rows<{ column_name: string; column_type: string }>(`select column_name, column_type from (describe select * from read_parquet('${out}'))`);
    expect(types.map((t) => t.column_type)).toEqual(['BIGINT', 'VARCHAR', 'DOUBLE', 'BOOLEAN', 'DATE', 'INTEGER', 'DECIMAL(9,2)']);
  } finally {
    wh.close();
  }
});

test('arrow keeps types: 64-bit integers exact, numbers as numbers, dates as dates', async () => {
  const out = join(home, 'out.arrow');
  const r = await thongke(['sql', '--format', 'arrow', '--out', out, QUERY], env);
  expect([r.code, r.stdout]).toEqual([0, '']);
  const table = tableFromIPC(readFileSync(out));
  expect(table.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual(['id:Int64', 'ten:Utf8', 'ti_le:Float64', 'cong_lap:Bool', 'ngay:Date32<DAY>', 'so_lop:Int32', 'diem:Float64']);
  expect(table.getChild('id')!.toArray()).toEqual(new BigInt64Array([1n, 9007199254740993n]));
  expect(table.getChild('ten')!.toArray()).toEqual(['Hà Nội', null]);
  expect(table.getChild('ti_le')!.get(0)).toBe(2.5);
  expect(table.getChild('diem')!.get(0)).toBe(3.25);
  expect(new Date(table.getChild('ngay')!.get(0) as number).toISOString().slice(0, 10)).toBe('2025-09-05');
});

test('csv to a file with --out; parquet without --out is refused; writes are refused', async () => {
  const out = join(home, 'out.csv');
  expect((await thongke(['sql', '--format', 'csv', '--out', out, QUERY], env)).code).toBe(0);
  expect(readFileSync(out, 'utf8')).toBe('id,ten,ti_le,cong_lap,ngay,so_lop,diem\n1,Hà Nội,2.5,true,2025-09-05,12,3.25\n9007199254740993,,,false,,,\n');
  const noOut = await thongke(['sql', '--format', 'parquet', QUERY], env);
  expect([noOut.code, noOut.stderr]).toEqual([2, 'thongke sql: --format parquet cần --out <tệp.parquet>\n']);
  const write = await thongke(['sql', '--format', 'parquet', '--out', join(home, 'x.parquet'), 'delete from marts.t returning *'], env);
  expect(write.code).toBe(1);
  expect(write.stderr).toMatch(/^thongke: lỗi: /);
  const del = await thongke(['sql', '--format', 'csv', 'delete from marts.t'], env);
  expect([del.code, del.stderr]).toEqual([1, expect.stringMatching(/read-only/i)]);
  expect((await thongke(['sql', '--format', 'csv', 'select count(*) as n from marts.t'], env)).stdout).toBe('n\n2\n');
}, 240_000); // five processes, each opening the warehouse
