// ingestBatch end to end against a real Temporal dev server, real workers (parse threads, the
// single warehouse writer) and a real DuckDB file, on real workbooks written by exceljs.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { dist } from '../helpers/dist.js';
import { startIngestStack, tempHome } from '../helpers/env.js';
import type { World } from '../../fixtures/demo-world.js';

const home = tempHome();
process.env.THONGKE_HOME = home;
let stack: Awaited<ReturnType<typeof startIngestStack>>;
let client: Client;

async function warehouse<T>(sql: string): Promise<T[]> {
  const { withWarehouse } = await dist.db();
  return withWarehouse(join(home, 'warehouse.duckdb'), (wh) => wh.rowsJson(sql) as Promise<T[]>, { readOnly: true });
}

/** The mart as the answer key says it must be: enrolled pupils per school and grade. */
function expectedMart(world: World) {
  return world.schools.flatMap((s) => Object.entries(s.enrolledByGrade).map(([grade, g]) => ({
    school_code: s.schoolCode, grade_code: grade, count_pupils: g.pupils, count_pupils_female: g.female, count_pupils_ethnic_minority: g.ethnicMinority,
  }))).sort((a, b) => a.school_code.localeCompare(b.school_code) || a.grade_code.localeCompare(b.grade_code));
}

const martSql = `select school_code, grade_code, count_pupils::integer as count_pupils, count_pupils_female::integer as count_pupils_female,
  count_pupils_ethnic_minority::integer as count_pupils_ethnic_minority from marts.mart_pupils_by_school_grade order by school_code, grade_code`;

beforeAll(async () => {
  stack = await startIngestStack(home);
  client = stack.client;
});

afterAll(async () => {
  await stack?.stop();
});

describe('ingestBatch', () => {
  let world: World;

  test('every file parsed, loaded and counted; the mart equals the answer key', async () => {
    world = await (await dist.world()).generateDemoWorld(join(home, 'inbox', 'v1'), { seed: 5, dirtRate: 0.01 });
    const { runIngestBatch } = await dist.client();
    const seen: number[] = [];
    const result = await runIngestBatch(client, { files: world.files }, (p) => seen.push(p.loaded));
    expect(result.transformRunId).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.files.map((f) => [f.status, f.rows_read, f.rows_accepted, f.rows_rejected, f.rows_ignored]))
      .toEqual(world.schools.map((s) => ['loaded', s.rowsRead, s.rowsAccepted, s.rowsRejected, s.rowsIgnored]));
    for (const f of result.files) expect(f.rows_read).toBe(f.rows_accepted + f.rows_rejected + f.rows_ignored);

    const [raw] = await warehouse<{ n: number }>('select count(*)::integer as n from raw.hs_danh_sach');
    expect(raw!.n).toBe(world.schools.reduce((s, x) => s + x.rowsAccepted, 0));
    const [rejects] = await warehouse<{ n: number }>('select count(*)::integer as n from ops.rejects');
    expect(rejects!.n).toBe(world.schools.reduce((s, x) => s + x.defects.length, 0));
    expect(await warehouse(martSql)).toEqual(expectedMart(world));
    // the lake holds the original and the parsed rows
    const [file] = await warehouse<{ raw_path: string; staging_path: string }>('select raw_path, staging_path from ops.files limit 1');
    expect(file!.raw_path).toMatch(/^lake\/raw\/[0-9a-f]{64}\.xlsx$/);
    expect(file!.staging_path).toMatch(/^lake\/staging\/hs_danh_sach\/2025-2026\/[0-9a-f]{64}\.parquet$/);
  });

  test('the same files again change nothing', async () => {
    const before = await warehouse('select file_sha256, status, load_seq from ops.files order by 1');
    const { runIngestBatch } = await dist.client();
    const result = await runIngestBatch(client, { files: world.files });
    expect(result.files.map((f) => f.status)).toEqual(world.files.map(() => 'unchanged'));
    expect(await warehouse('select file_sha256, status, load_seq from ops.files order by 1')).toEqual(before);
    expect(await warehouse(martSql)).toEqual(expectedMart(world));
  });

  test('a resubmission supersedes the earlier file; only the current one counts', async () => {
    // a second version of the same schools' lists (same codes, other pupils)
    const v2 = await (await dist.world()).generateDemoWorld(join(home, 'inbox', 'v2'), { seed: 6, dirtRate: 0.01 });
    const { runIngestBatch } = await dist.client();
    const result = await runIngestBatch(client, { files: [v2.files[0]!] });
    expect(result.files[0]!.status).toBe('loaded');
    const files = await warehouse<{ school_code: string; status: string; n: number }>(
      `select school_code, status, count(*)::integer as n from ops.files group by all order by all`);
    expect(files).toContainEqual({ school_code: v2.schools[0]!.schoolCode, status: 'superseded', n: 1 });
    expect(files).toContainEqual({ school_code: v2.schools[0]!.schoolCode, status: 'loaded', n: 1 });
    const mixed: World = { ...world, schools: [v2.schools[0]!, ...world.schools.slice(1)] };
    expect(await warehouse(martSql)).toEqual(expectedMart(mixed));
  });
});
