// The `thongke` command as a person uses it: a server, a worker process, `ingest --json`, `sql`.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { dist } from '../helpers/dist.js';
import { spawnWorker, startServer, stopProcess, tempHome, thongke } from '../helpers/env.js';
import type { World } from '../../fixtures/demo-world.js';

const home = tempHome();
let server: Awaited<ReturnType<typeof startServer>>;
let worker: ChildProcess;
let env: Record<string, string>;
let world: World;

beforeAll(async () => {
  server = await startServer(home);
  env = { THONGKE_HOME: home, TEMPORAL_ADDRESS: server.address };
  worker = spawnWorker(env);
  world = await (await dist.world()).generateDemoWorld(join(home, 'inbox'), { seed: 21, dirtRate: 0.01 });
});

afterAll(async () => {
  if (worker) await stopProcess(worker);
  await server?.stop();
});

describe('thongke', () => {
  test('ingest --json prints one record per file with the counts', async () => {
    const r = await thongke(['ingest', '--json', join(home, 'inbox')], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { files: Record<string, unknown>[] };
    // files come sorted by path, as the folder was walked
    const bySchool = [...world.schools].sort((a, b) => a.file.localeCompare(b.file));
    expect(out.files.map((f) => Object.keys(f).slice(0, 7))).toEqual(bySchool.map(() => ['file', 'sha256', 'form', 'rows_read', 'rows_accepted', 'rows_rejected', 'rows_ignored']));
    expect(out.files.map((f) => [f.file, f.form, f.rows_read, f.rows_accepted, f.rows_rejected, f.rows_ignored]))
      .toEqual(bySchool.map((s) => [s.file.split('/').pop(), 'hs_danh_sach', s.rowsRead, s.rowsAccepted, s.rowsRejected, s.rowsIgnored]));
    for (const f of out.files) expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  test('sql --format csv', async () => {
    const r = await thongke(['sql', '--format', 'csv', 'select school_code, count(*)::integer as files from ops.files group by 1 order by 1'], env);
    expect(r.code).toBe(0);
    const expected = ['school_code,files', ...world.schools.map((s) => `${s.schoolCode},1`).sort()].join('\n') + '\n';
    expect(r.stdout).toBe(expected);
  });

  test('sql --format json and table', async () => {
    const json = await thongke(['sql', '--format', 'json', "select 'Hà Nội' as ten, 1.5 as x"], env);
    expect(JSON.parse(json.stdout)).toEqual([{ ten: 'Hà Nội', x: '1.5' }]);
    const table = await thongke(['sql', 'select 1 as a'], env);
    expect(table.stdout).toBe('a\n─\n1\n(1 dòng)\n');
  });

  test('sql is read-only', async () => {
    const r = await thongke(['sql', 'delete from ops.files'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^thongke: lỗi: .*read-only/i);
    const still = await thongke(['sql', '--format', 'csv', 'select count(*) as n from ops.files'], env);
    expect(still.stdout).toBe(`n\n${world.files.length}\n`);
  });

  test('usage errors are explained', async () => {
    expect((await thongke(['ingest'], env)).stderr).toContain('hãy chỉ ra tệp hoặc thư mục cần nạp');
    const bad = await thongke(['sql', '--format', 'xml', 'select 1'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--format phải là một trong table, csv, json, arrow');
    expect((await thongke(['nope'], env)).stderr).toContain('không có lệnh "nope"');
  });
});
