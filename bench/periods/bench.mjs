// Reporting-period benchmark (issue 7): start-up of one period and the latency of a transition, on a
// fresh Temporal dev server (SQLite file) with the real workers (periods + warehouse) in this process.
// A script, not a test. Run after `node scripts/setup.mjs` (it uses dist/):
//   node bench/periods/bench.mjs [--scale province|nation] [--samples 50] [--burst 500]
// province: one Sở, 2,000 schools under 100 communes (+ THPT under the Sở); nation: 34 Sở of
// 1,400 schools and 70 communes each (≈ 50,000 units). Synthetic roster, deterministic.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { scale: { type: 'string', default: 'province' }, samples: { type: 'string', default: '50' }, burst: { type: 'string', default: '500' } } });
const root = new URL('../../dist/', import.meta.url);
const load = (p) => import(new URL(p, root).href);
const { startDevServer } = await load('cli/dev-server.js');
const { startWorkers } = await load('workflows/worker.js');
const { connectClient } = await load('workflows/client.js');
const { buildTree, chainFor } = await load('workflows/periods/chain.js');
const { openPeriod, actOn, periodStatus, periodWorkflowId } = await load('workflows/periods/client.js');
const { withWarehouse } = await load('warehouse/db.js');

const shape = values.scale === 'nation' ? { provinces: 34, schools: 1400, communes: 70 } : { provinces: 1, schools: 2000, communes: 100 };
const roster = [];
for (let p = 0; p < shape.provinces; p++) {
  const province = { code: String(10 + p), name: `Sở GDĐT tỉnh ${10 + p}` };
  for (let i = 0; i < shape.schools; i++) {
    const thpt = i % 10 === 9; // one school in ten under the Sở directly
    const commune = String((10 + p) * 1000 + (i % shape.communes)).padStart(5, '0');
    roster.push({ code: `${province.code}${String(i).padStart(5, '0')}`, name: `Trường ${i}`, level: thpt ? 'THPT' : ['MN', 'TH', 'THCS'][i % 3], province, commune: thpt ? undefined : { code: commune, name: `Xã ${commune}` } });
  }
}
const chain = chainFor('2025-09-30');
const units = buildTree(roster, chain);
const schools = units.filter((u) => u.level === 'school');

const home = mkdtempSync(join(tmpdir(), 'thongke-bench-periods-'));
process.env.THONGKE_HOME = home;
process.env.THONGKE_LOG_LEVEL = 'ERROR';
const server = await startDevServer({ home, port: 'free' });
const workers = await startWorkers({ address: server.address });
const client = await connectClient(server.address);
const { performance } = await import('node:perf_hooks');
const { setTimeout: sleep } = await import('node:timers/promises');
const ms = (t) => Math.round(performance.now() - t);
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const auditCount = (where) => withWarehouse(join(home, 'warehouse.duckdb'), (wh) => wh.rowsJson(`select count(*)::integer as n from audit.period_events where ${where}`), { readOnly: true }).then((r) => r[0].n).catch(() => -1);

try {
  const now = Date.now();
  const spec = {
    name: 'BENCH', forms: ['hs_danh_sach'], dataDate: '2025-09-30', chainId: chain.id, reviewSteps: chain.reviewSteps,
    deadline: new Date(now + 30 * 86_400_000).toISOString(), lockAt: new Date(now + 45 * 86_400_000).toISOString(),
    remindBeforeMs: [7 * 86_400_000, 3 * 86_400_000, 86_400_000], openedBy: 'bench', openedAt: new Date(now).toISOString(),
  };
  let t = performance.now();
  const ids = await openPeriod(client, { spec, units });
  const started = ms(t);
  await periodStatus(client, 'BENCH');
  const firstStatus = ms(t);
  while ((await auditCount(`action = 'open'`)) < ids.length) await sleep(100);
  const opened = ms(t);
  t = performance.now();
  const status = await periodStatus(client, 'BENCH');
  const statusMs = ms(t);

  // one transition at a time: the CLI path (find the unit's workflow, update, audit row written)
  const n = Number(values.samples);
  const sample = Array.from({ length: n }, (_, i) => schools[(i * 7919) % schools.length]);
  const routed = [];
  for (const s of sample) {
    t = performance.now();
    await actOn(client, 'BENCH', 'submit', { unitId: s.id, actor: 'bench' });
    routed.push(performance.now() - t);
  }
  // the same, straight to the workflow (a caller that knows the Sở, e.g. the ingest check)
  const direct = [];
  for (const s of sample) {
    const province = s.id.slice('school:'.length, 'school:'.length + 2);
    const h = client.workflow.getHandle(periodWorkflowId('BENCH', `province:${province}`));
    t = performance.now();
    await h.executeUpdate('approve', { args: [{ unitId: s.id, actor: 'bench' }] });
    direct.push(performance.now() - t);
  }
  // a burst: many schools of one Sở submit at once (the CLI path, with its retries; audit rows are written in batches)
  const burst = schools.filter((s) => s.id.startsWith('school:10') && !sample.includes(s)).slice(0, Number(values.burst));
  t = performance.now();
  const settled = await Promise.allSettled(burst.map((s) => actOn(client, 'BENCH', 'submit', { unitId: s.id, actor: 'bench' })));
  const burstMs = ms(t);
  const burstFailed = settled.filter((x) => x.status === 'rejected');
  if (burstFailed.length) console.error('burst failures:', burstFailed.length, String(burstFailed[0].reason), String(burstFailed[0].reason.cause));

  const r = (x) => Math.round(x);
  console.log(JSON.stringify({
    date: new Date().toISOString().slice(0, 10), cores: cpus().length, scale: values.scale,
    units: units.length, schools: schools.length, workflows: ids.length,
    startWorkflowsMs: started, firstStatusMs: firstStatus, allOpenAuditedMs: opened, statusQueryMs: statusMs, statusUnits: status.units.length,
    submitRoutedMs: { p50: r(pct(routed, 50)), p95: r(pct(routed, 95)), max: r(Math.max(...routed)) },
    approveDirectMs: { p50: r(pct(direct, 50)), p95: r(pct(direct, 95)), max: r(Math.max(...direct)) },
    burst: { submits: burst.length, failed: burstFailed.length, totalMs: burstMs, perSecond: r((burst.length * 1000) / burstMs) },
  }, null, 1));
} catch (e) {
  console.error('bench failed:', e);
  process.exitCode = 1;
} finally {
  await client.connection.close();
  workers.shutdown();
  await workers.done;
  await server.stop();
  rmSync(home, { recursive: true, force: true });
}
