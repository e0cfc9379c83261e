// A whole generated set through Temporal and DuckDB: loose workbooks, commune zip bundles, an old
// .xls, statistical returns, every kind of dirt. Every file (and every bundle member) is in
// ops.files with the counts of the answer key; every rejected cell is in ops.rejects.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Client } from '@temporalio/client';
import { dist } from '../helpers/dist.js';
import { startIngestStack, tempHome } from '../helpers/env.js';

const home = tempHome();
process.env.THONGKE_HOME = home;
let stack: Awaited<ReturnType<typeof startIngestStack>>;
let client: Client;

beforeAll(async () => {
  stack = await startIngestStack(home);
  client = stack.client;
});

afterAll(async () => {
  await stack?.stop();
});

test('a generated set: every file and bundle member counted as the key says', async () => {
  const out = join(home, 'set');
  const { generate } = await dist.generate();
  const { expandInputs } = await dist.inputs();
  const set = await generate({ scale: 'tiny', seed: 5, out, dirtRate: 0.02 });
  const files = expandInputs([out]);
  const result = await (await dist.client()).runIngestBatch(client, { files });
  const { withWarehouse } = await dist.db();
  const rows = await withWarehouse(join(home, 'warehouse.duckdb'), (wh) => wh.rowsJson(
    'select file_sha256, file_name, status, rows_read, rows_accepted, rows_rejected, rows_ignored from ops.files'), { readOnly: true }) as
    { file_sha256: string; file_name: string; status: string; rows_read: number; rows_accepted: number; rows_rejected: number; rows_ignored: number }[];
  const bySha = new Map(rows.map((r) => [r.file_sha256, r]));
  const byName = new Map(rows.map((r) => [r.file_name, r]));
  const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
  const mismatches: unknown[] = [];
  for (const f of set.files) {
    const [zip, member] = f.file.split('!');
    const row = member ? byName.get(`${basename(zip!)}/${member}`) : bySha.get(sha(join(out, f.file)));
    if (!row) {
      mismatches.push({ missing: f.file });
      continue;
    }
    if (f.file.endsWith('.xls')) {
      if (row.status !== 'rejected') mismatches.push({ xls: f.file, status: row.status });
      continue;
    }
    const got = [row.rows_read, row.rows_accepted, row.rows_rejected, row.rows_ignored];
    const want = [f.rows_read, f.rows_accepted, f.rows_rejected, f.rows_ignored];
    if (JSON.stringify(got) !== JSON.stringify(want)) mismatches.push({ file: f.file, got, want });
  }
  expect(mismatches).toEqual([]);
  // bundles are files too, whose rows are their members
  const bundles = rows.filter((r) => r.status === 'bundle');
  expect(bundles.length).toBeGreaterThan(0);
  for (const b of bundles) expect(b.rows_read).toBe(b.rows_accepted + b.rows_rejected + b.rows_ignored);
  // the batch result tells the same story as the warehouse
  expect(result.files.length).toBe(rows.length);
  // statistical returns were recognised and loaded
  const grids = await withWarehouse(join(home, 'warehouse.duckdb'), (wh) => wh.rowsJson(
    "select count(*)::integer as n from ops.files where form like '%_nam'"), { readOnly: true });
  expect(grids[0]!.n).toBe(set.grids.length);
}, 300_000);
