// Reporting periods end to end: `thongke period` against a real Temporal dev server, real workers
// (the period workflows on queue `periods`, the audit writer on `warehouse`) and a real DuckDB file.
// Two Sở, so the Bộ's workflow and the Sở's workflows mirror each other through signals.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { dist } from '../helpers/dist.js';
import { startServer, tempHome, thongke } from '../helpers/env.js';
import { eventually, periodsDist, writeRoster } from '../periods/helpers.js';
import { recordHistories } from '../periods/record.js';

const home = tempHome('thongke-periods-');
process.env.THONGKE_HOME = home;
let server: Awaited<ReturnType<typeof startServer>>;
let workers: { shutdown(): void; done: Promise<void> };
let client: Client;
let env: Record<string, string>;
const P = 'DN-2025-2026';

async function audit<T>(sql: string): Promise<T[]> {
  const { withWarehouse } = await dist.db();
  return withWarehouse(join(home, 'warehouse.duckdb'), (wh) => wh.rowsJson(sql) as Promise<T[]>, { readOnly: true });
}

async function states(): Promise<Record<string, string>> {
  const { periodStatus } = await periodsDist.client();
  const o = await periodStatus(client, P);
  return Object.fromEntries(o.units.map((u) => [u.id, u.status]));
}

/** `thongke period <args>`; returns exit code, stdout, stderr. */
const period = (...args: string[]) => thongke(['period', ...args, '--by', 'kiem-thu'], env);

beforeAll(async () => {
  server = await startServer(home);
  workers = await (await dist.worker()).startWorkers({ address: server.address });
  client = await (await dist.client()).connectClient(server.address);
  env = { THONGKE_HOME: home, TEMPORAL_ADDRESS: server.address };
});

afterAll(async () => {
  // THONGKE_RECORD_HISTORIES=1 refreshes test/periods/histories/ (replayed by test/periods/replay.test.ts)
  if (process.env.THONGKE_RECORD_HISTORIES && client) await recordHistories(client, [P, 'DN-CAN'], server.address);
  workers?.shutdown();
  await workers?.done;
  await client?.connection.close();
  await server?.stop();
});

describe('thongke period', () => {
  test('open: one workflow for the Bộ and one per Sở; a second open is refused', async () => {
    const roster = writeRoster(home);
    const r = await period('open', P, '--forms', 'hs_danh_sach', '--data-date', '2025-09-30', '--deadline', '+1h', '--lock', '+2h', '--units', roster);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Đã mở kỳ báo cáo DN-2025-2026 \(chuỗi: Trường → xã\/phường \(MN–THCS\) → Sở GDĐT → Bộ GDĐT\): 4 trường, 8 đơn vị, 3 luồng\./);
    const again = await period('open', P, '--forms', 'hs_danh_sach', '--data-date', '2025-09-30', '--deadline', '+1h', '--lock', '+2h', '--units', roster);
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toBe(`Kỳ báo cáo ${P} đã được mở (period:${P}:nation:BGDDT)`);
    expect(await states()).toEqual({
      'nation:BGDDT': 'open', 'province:19': 'open', 'commune:05443': 'open', 'school:A': 'open', 'school:B': 'open', 'school:C': 'open', 'province:25': 'open', 'school:D': 'open',
    });
  });

  test('a refused action names the reason and changes nothing', async () => {
    const r = await period('approve', P, 'A');
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('Trường Tiểu học A (A) chưa nộp (đang chưa nộp); chưa thể duyệt');
    const s = await period('submit', P, 'province:19');
    expect(s.code).toBe(1);
    expect(s.stderr.trim()).toBe('Chưa thể nộp Sở GDĐT Thái Nguyên (19): còn 2 đơn vị cấp dưới chưa được duyệt: Phường Phan Đình Phùng (05443), Trường THPT C (C)');
    const ret = await period('return', P, 'A');
    expect(ret.stderr.trim()).toBe('Trả lại Trường Tiểu học A (A) cần nêu lý do');
    const none = await period('submit', P, 'Z');
    expect(none.stderr.trim()).toBe(`Không có đơn vị "school:Z" trong kỳ báo cáo ${P}`);
    expect(Object.values(await states()).every((s) => s === 'open')).toBe(true);
  });

  test('the chain climbs to the Bộ; the Bộ waits for every Sở (mirrored by signal)', async () => {
    const { actOn } = await periodsDist.client();
    const a = (kind: 'submit' | 'approve' | 'return' | 'unlock', unitId: string, reason?: string) => actOn(client, P, kind, { unitId, actor: 'kiem-thu', reason });
    const sub = await period('submit', P, 'A');
    expect(sub.stdout.trim()).toBe('Đã nộp school:A: chưa nộp → đã nộp');
    expect((await period('return', P, 'A', '--reason', 'Thiếu lớp 5')).stdout.trim()).toBe('Đã trả lại school:A: đã nộp → bị trả lại');
    await a('submit', 'school:A');
    for (const u of ['school:A']) await a('approve', u);
    await a('submit', 'school:B');
    await a('approve', 'school:B');
    await a('submit', 'commune:05443');
    const step = await period('approve', P, 'commune:05443', '--step', 'thong-ke');
    expect(step.stderr.trim()).toBe('Bước duyệt tiếp theo của Phường Phan Đình Phùng (05443) là "Phòng chuyên môn (GDMN/GDPT) của Sở" (chuyen-mon), không phải "thong-ke"');
    expect((await a('approve', 'commune:05443')).to).toBe('reviewed');
    expect((await a('approve', 'commune:05443')).to).toBe('approved');
    await a('submit', 'school:C');
    await a('approve', 'school:C');
    await a('approve', 'school:C');
    await a('submit', 'province:19');
    expect((await a('approve', 'province:19')).to).toBe('approved');
    const { unitQuery } = await periodsDist.workflows();
    const nation = client.workflow.getHandle(`period:${P}:nation:BGDDT`);
    await eventually(() => nation.query(unitQuery, 'province:19'), (u) => u?.status === 'approved');
    // the Bộ has heard from Sở 19 (by signal), and Sở 25 has not approved
    await expect(a('submit', 'nation:BGDDT')).rejects.toThrow('Chưa thể nộp Bộ Giáo dục và Đào tạo (BGDDT): còn 1 đơn vị cấp dưới chưa được duyệt: Sở GDĐT Phú Thọ (25)');
    await a('submit', 'school:D');
    await a('approve', 'school:D');
    await a('approve', 'school:D');
    await a('submit', 'province:25');
    await a('approve', 'province:25');
    const mirror = await eventually(() => nation.query(unitQuery, 'province:25'), (u) => u?.status === 'approved');
    expect(mirror).toMatchObject({ status: 'approved', remote: true });
    await a('submit', 'nation:BGDDT');
    expect((await a('approve', 'nation:BGDDT')).to).toBe('approved');
    // the Sở's own workflow has the Bộ's approval too: Sở 19 cannot return its commune now
    await eventually(() => client.workflow.getHandle(`period:${P}:province:19`).query(unitQuery, 'nation:BGDDT'), (u) => u?.status === 'approved');
    await expect(a('unlock', 'province:19')).rejects.toThrow('Bộ Giáo dục và Đào tạo (BGDDT) đã được duyệt (số liệu đã khoá); cần cấp trên mở khoá Bộ Giáo dục và Đào tạo (BGDDT) trước khi trả lại hay mở khoá Sở GDĐT Thái Nguyên (19)');
    const { lockStatusOf } = await periodsDist.client();
    expect(await lockStatusOf(client, P, 'school:A')).toEqual({ unitId: 'school:A', status: 'approved', locked: true, reason: `Trường Tiểu học A (A) đã được duyệt trong kỳ báo cáo ${P}; số liệu đã khoá` });
    // unlocking from the top down, then returning a school, reopens the chain above it
    await a('unlock', 'nation:BGDDT');
    // the Sở's workflow learns of the Bộ's unlock by signal
    await eventually(() => client.workflow.getHandle(`period:${P}:province:19`).query(unitQuery, 'nation:BGDDT'), (u) => u?.status === 'submitted');
    expect((await a('unlock', 'province:19')).reopened).toEqual([]); // the Bộ is in another workflow: reopened by signal
    expect((await eventually(states, (s) => s['nation:BGDDT'] === 'open'))['nation:BGDDT']).toBe('open');
    expect((await a('unlock', 'commune:05443')).reopened).toEqual(['province:19']);
    expect(await a('return', 'school:A', 'Sai sĩ số')).toEqual({ unitId: 'school:A', from: 'approved', to: 'returned', late: false, reopened: ['commune:05443'] });
    expect(await states()).toEqual({
      'nation:BGDDT': 'open', 'province:19': 'open', 'commune:05443': 'open', 'school:A': 'returned', 'school:B': 'approved', 'school:C': 'approved', 'province:25': 'approved', 'school:D': 'approved',
    });
    expect(await lockStatusOf(client, P, 'school:A')).toMatchObject({ locked: false });
  });

  test('every transition is in audit.period_events, in order, and agrees with the state', async () => {
    const expectedNow = await states(); // the rows follow the state within a flush
    const rows = await eventually(
      () => audit<{ unit_id: string; action: string; actor: string; from_status: string | null; to_status: string | null; reason: string | null }>(
        `select unit_id, action, actor, from_status, to_status, reason from audit.period_events where period = '${P}' order by occurred_at, split_part(event_id, '#', 1), split_part(event_id, '#', 2)::integer`),
      (r) => Object.entries(expectedNow).every(([u, st]) => (r.filter((x) => x.unit_id === u && x.to_status).at(-1)?.to_status ?? 'open') === st),
    );
    const lines = rows.map((r) => `${r.unit_id} ${r.action} ${r.from_status ?? '-'}→${r.to_status ?? '-'}`);
    // per unit, each transition starts where the last one ended, and the last ends in today's state
    const now = await states();
    const last = new Map<string, string>();
    for (const r of rows.filter((x) => x.from_status)) {
      expect(r.from_status, `${r.unit_id} ${r.action}`).toBe(last.get(r.unit_id) ?? 'open');
      last.set(r.unit_id, r.to_status!);
    }
    for (const [u, s] of Object.entries(now)) expect(last.get(u) ?? 'open', u).toBe(s);
    expect(lines.filter((l) => l.startsWith('school:A '))).toEqual([
      'school:A submit open→submitted', 'school:A return submitted→returned', 'school:A submit returned→submitted',
      'school:A approve submitted→approved', 'school:A return approved→returned',
    ]);
    expect(rows.filter((r) => r.action === 'open').length).toBe(3);
    expect(rows.find((r) => r.action === 'return')).toMatchObject({ actor: 'kiem-thu', reason: 'Thiếu lớp 5' });
    expect(rows.filter((r) => r.action === 'reopen').map((r) => [r.unit_id, r.actor, r.reason])).toEqual([
      ['nation:BGDDT', 'hệ thống', 'Đơn vị cấp dưới Sở GDĐT Thái Nguyên (19) không còn ở trạng thái đã duyệt'],
      ['province:19', 'hệ thống', 'Đơn vị cấp dưới Phường Phan Đình Phùng (05443) được mở khoá'],
      ['commune:05443', 'hệ thống', 'Đơn vị cấp dưới Trường Tiểu học A (A) bị trả lại: Sai sĩ số'],
    ]);
    const [p] = await audit<{ period: string; forms: string[]; chain_id: string }>(`select period, forms, chain_id from ops.periods`);
    expect(p).toEqual({ period: P, forms: ['hs_danh_sach'], chain_id: 'hai-cap-2025' });
  });

  test('status prints the tree with each unit\'s state', async () => {
    const r = await thongke(['period', 'status', P], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('  Sở GDĐT: 1 chưa nộp, 1 đã duyệt');
    expect(r.stdout).toContain('      Trường Tiểu học A [school:A]: bị trả lại — lý do: Sai sĩ số');
    expect(r.stdout).toContain('    Trường THPT C [school:C]: đã duyệt');
  });

  test('a long period continues as new and carries its state, audit numbering and mirrors', async () => {
    const { openPeriod, actOn, periodStatus } = await periodsDist.client();
    const { buildTree, chainFor } = await periodsDist.chain();
    const { readRoster } = await periodsDist.cli();
    const chain = chainFor('2025-09-30');
    const t = Date.now();
    const spec = {
      name: 'DN-CAN', forms: ['hs_danh_sach'], dataDate: '2025-09-30', chainId: chain.id, reviewSteps: chain.reviewSteps,
      deadline: new Date(t + 3600_000).toISOString(), lockAt: new Date(t + 7200_000).toISOString(), remindBeforeMs: [1800_000], openedBy: 'kiem-thu', openedAt: new Date(t).toISOString(),
    };
    // continue-as-new after 30 history events: a few actions each
    await openPeriod(client, { spec, units: buildTree(readRoster(join(home, 'roster.csv')), chain), historyLimit: 30 });
    const a = (kind: 'submit' | 'approve' | 'return', unitId: string, reason?: string) => actOn(client, 'DN-CAN', kind, { unitId, actor: 'kiem-thu', reason });
    for (let round = 0; round < 3; round++) {
      await a('submit', 'school:A');
      await a('return', 'school:A', `vòng ${round + 1}`);
    }
    for (const u of ['school:A', 'school:B']) {
      await a('submit', u);
      await a('approve', u);
    }
    await a('submit', 'commune:05443');
    await a('approve', 'commune:05443');
    await a('approve', 'commune:05443');
    await a('submit', 'school:C');
    await a('approve', 'school:C');
    await a('approve', 'school:C');
    await a('submit', 'province:19');
    await a('approve', 'province:19');
    const listRuns = async () => {
      const runs: string[] = [];
      for await (const w of client.workflow.list({ query: `WorkflowId = 'period:DN-CAN:province:19'` })) runs.push(w.runId);
      return runs;
    };
    expect((await eventually(listRuns, (r) => r.length > 1)).length).toBeGreaterThan(1);
    const s = await periodStatus(client, 'DN-CAN');
    expect(Object.fromEntries(s.units.map((u) => [u.id, u.status]))).toEqual({
      'nation:BGDDT': 'open', 'province:19': 'approved', 'commune:05443': 'approved', 'school:A': 'approved', 'school:B': 'approved', 'school:C': 'approved', 'province:25': 'open', 'school:D': 'open',
    });
    const { unitQuery } = await periodsDist.workflows();
    await eventually(() => client.workflow.getHandle('period:DN-CAN:nation:BGDDT').query(unitQuery, 'province:19'), (u) => u?.status === 'approved');
    // the audit numbering runs on across runs: 1…n, no gap, no repeat
    const ids = await eventually(
      () => audit<{ n: number; lo: number; hi: number }>(`select count(*)::integer as n, min(split_part(event_id, '#', 2)::integer) as lo, max(split_part(event_id, '#', 2)::integer) as hi
        from audit.period_events where event_id like 'period:DN-CAN:province:19#%'`),
      (r) => r[0]!.n === 19,
    );
    expect(ids).toEqual([{ n: 19, lo: 1, hi: 19 }]); // open + 18 transitions
  });
});
