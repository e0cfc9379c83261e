// Kill -9 the Temporal dev server and the worker process in the middle of a period (actions in
// flight), start both again on the same database file (--db-filename in the same THONGKE_HOME),
// and check that no state and no audit row is lost: every acknowledged action is there, each
// unit's audit trail ends in its state, and each workflow's audit numbering has no gap or repeat.
import { afterAll, describe, expect, test } from 'vitest';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { Client } from '@temporalio/client';
import { dist } from '../helpers/dist.js';
import { spawnWorker, startServer, stopProcess, tempHome, thongke } from '../helpers/env.js';
import { eventually, periodsDist, writeRoster } from '../periods/helpers.js';

const home = tempHome('thongke-period-restart-');
const P = 'DN-restart';
let server: Awaited<ReturnType<typeof startServer>> | undefined;
let worker: ChildProcess | undefined;
let client: Client | undefined;

const env = () => ({ THONGKE_HOME: home, TEMPORAL_ADDRESS: server!.address });

async function up(): Promise<void> {
  server = await startServer(home);
  worker = spawnWorker(env());
  client = await (await dist.client()).connectClient(server.address);
}

async function rows<T>(sql: string): Promise<T[]> {
  const { withWarehouse } = await dist.db();
  return withWarehouse(join(home, 'warehouse.duckdb'), (wh) => wh.rowsJson(sql) as Promise<T[]>, { readOnly: true });
}

async function states(): Promise<Record<string, string>> {
  const o = await (await periodsDist.client()).periodStatus(client!, P);
  return Object.fromEntries(o.units.map((u) => [u.id, u.status]));
}

/** Audit rows per unit in order, and per workflow the numbering 1…n. */
async function auditAgreesWithState(): Promise<void> {
  const now = await states();
  const trail = await eventually(
    () => rows<{ unit_id: string; from_status: string; to_status: string }>(
      `select unit_id, from_status, to_status from audit.period_events where period = '${P}' and from_status is not null
       order by split_part(event_id, '#', 1), split_part(event_id, '#', 2)::integer`),
    (r) => Object.entries(now).every(([u, s]) => (r.filter((x) => x.unit_id === u).at(-1)?.to_status ?? 'open') === s),
    // a flush lost with the killed worker is retried after the activity's 45 s timeout
    90_000,
  );
  const last = new Map<string, string>();
  for (const r of trail) {
    expect(r.from_status, r.unit_id).toBe(last.get(r.unit_id) ?? 'open');
    last.set(r.unit_id, r.to_status);
  }
  for (const [u, s] of Object.entries(now)) expect(last.get(u) ?? 'open', u).toBe(s);
  const numbering = await rows<{ wf: string; n: number; lo: number; hi: number }>(
    `select split_part(event_id, '#', 1) as wf, count(*)::integer as n, min(split_part(event_id, '#', 2)::integer) as lo, max(split_part(event_id, '#', 2)::integer) as hi
     from audit.period_events where period = '${P}' group by 1 order by 1`);
  for (const w of numbering) expect([w.wf, w.lo, w.hi]).toEqual([w.wf, 1, w.n]);
}

afterAll(async () => {
  if (worker) await stopProcess(worker);
  await client?.connection.close();
  await server?.stop();
});

describe('a period survives kill -9 of the server and the workers', { timeout: 180_000 }, () => {
  const acknowledged: Record<string, string> = {};

  test('before the crash: open, some actions acknowledged, more in flight', async () => {
    await up();
    const roster = writeRoster(home);
    const opened = await thongke(['period', 'open', P, '--forms', 'hs_danh_sach', '--data-date', '2025-09-30', '--deadline', '+1h', '--lock', '+2h', '--units', roster], env());
    expect(opened.stderr).toBe('');
    const { actOn } = await periodsDist.client();
    for (const [kind, unit, to] of [['submit', 'school:A', 'submitted'], ['approve', 'school:A', 'approved'], ['submit', 'school:D', 'submitted']] as const) {
      expect((await actOn(client!, P, kind, { unitId: unit, actor: 'kiem-thu' })).to).toBe(to);
      acknowledged[unit] = to;
    }
    // in flight: two submissions by other people's `thongke` processes, then both crash
    const inFlight = ['B', 'C'].map((u) => thongke(['period', 'submit', P, u], env()));
    await new Promise((r) => setTimeout(r, 1500));
    worker!.kill('SIGKILL');
    server!.process.kill('SIGKILL');
    await Promise.allSettled(inFlight);
    await server!.stop();
    await client!.connection.close().catch(() => undefined);
  });

  test('after the restart on the same database: no state and no audit row lost', async () => {
    await up();
    const now = await eventually(states, () => true);
    for (const [u, s] of Object.entries(acknowledged)) expect(now[u], u).toBe(s);
    // the in-flight submissions either happened or not, never half: state and audit agree
    for (const u of ['school:B', 'school:C']) expect(['open', 'submitted']).toContain(now[u]);
    await auditAgreesWithState();
  });

  test('the period goes on after the restart', async () => {
    const { actOn } = await periodsDist.client();
    const now = await states();
    for (const u of ['school:B', 'school:C']) if (now[u] === 'open') await actOn(client!, P, 'submit', { unitId: u, actor: 'kiem-thu' });
    const steps = [['approve', 'school:B'], ['submit', 'commune:05443'], ['approve', 'commune:05443'], ['approve', 'commune:05443'], ['approve', 'school:C'], ['approve', 'school:C']] as const;
    for (const [kind, unitId] of steps) await actOn(client!, P, kind, { unitId, actor: 'kiem-thu' });
    expect(await states()).toMatchObject({ 'school:A': 'approved', 'school:B': 'approved', 'commune:05443': 'approved', 'school:C': 'approved', 'school:D': 'submitted' });
    await auditAgreesWithState();
  });
});
