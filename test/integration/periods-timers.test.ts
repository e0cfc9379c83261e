// Durable timers of a period, on the SDK's time-skipping test server (test/periods/test-server.ts
// says where its binary comes from): reminders before the deadline go to the outbox for the schools
// that have not submitted, a submission after the deadline is marked late, and after the lock a
// school is refused (and its files are, through lockStatus) until its parent unlocks it. Real period
// workflows (dist/) and the real audit writer on a real DuckDB file; weeks pass in seconds.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { dist } from '../helpers/dist.js';
import { tempHome } from '../helpers/env.js';
import { eventually, periodWorkflowsPath, periodsDist, writeRoster } from '../periods/helpers.js';
import { testServerBinary } from '../periods/test-server.js';
import type { PeriodSpec } from '../../workflows/periods/types.js';

const home = tempHome('thongke-period-timers-');
process.env.THONGKE_HOME = home;
const DAY = 86_400_000;
const P = 'DN-timers';
let env: TestWorkflowEnvironment;
let workers: Worker[] = [];
let running: Promise<unknown>;
let t0: number;

async function rows<T>(sql: string): Promise<T[]> {
  const { withWarehouse } = await dist.db();
  return withWarehouse(join(home, 'warehouse.duckdb'), (wh) => wh.rowsJson(sql) as Promise<T[]>, { readOnly: true });
}

const outbox = () => rows<{ unit_id: string; kind: string }>(`select unit_id, kind from ops.period_outbox order by split_part(message_id, '/', 2)::integer, unit_id`);

beforeAll(async () => {
  env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: testServerBinary() } } });
  const activities = await periodsDist.activities();
  workers = [
    await Worker.create({ connection: env.nativeConnection, taskQueue: 'periods', workflowsPath: periodWorkflowsPath }),
    await Worker.create({ connection: env.nativeConnection, taskQueue: 'warehouse', activities: { recordPeriodEvents: activities.recordPeriodEvents }, maxConcurrentActivityTaskExecutions: 1 }),
  ];
  running = Promise.all(workers.map((w) => w.run()));
  t0 = await env.currentTimeMs();
  const { buildTree, chainFor } = await periodsDist.chain();
  const { openPeriod } = await periodsDist.client();
  const roster = (await periodsDist.cli()).readRoster(writeRoster(home));
  const chain = chainFor('2025-09-30');
  const spec: PeriodSpec = {
    name: P, forms: ['hs_danh_sach'], dataDate: '2025-09-30', chainId: chain.id, reviewSteps: chain.reviewSteps,
    deadline: new Date(t0 + 7 * DAY).toISOString(), lockAt: new Date(t0 + 14 * DAY).toISOString(),
    remindBeforeMs: [3 * DAY, 1 * DAY], openedBy: 'so19', openedAt: new Date(t0).toISOString(),
  };
  await openPeriod(env.client, { spec, units: buildTree(roster, chain) });
});

afterAll(async () => {
  workers.forEach((w) => w.shutdown());
  await running;
  await env?.teardown();
});

const act = async (kind: 'submit' | 'unlock', unitId: string) => (await periodsDist.client()).actOn(env.client, P, kind, { unitId, actor: 'kiem-thu' });

describe('period timers (time-skipping)', () => {
  test('reminders go, before the deadline, to the schools that have not submitted', async () => {
    expect(await act('submit', 'school:A')).toMatchObject({ to: 'submitted', late: false });
    await env.sleep(5 * DAY); // past the first reminder (deadline − 3 days)
    const sent = await eventually(outbox, (r) => r.length >= 3);
    expect(sent).toEqual([{ unit_id: 'school:B', kind: 'reminder' }, { unit_id: 'school:C', kind: 'reminder' }, { unit_id: 'school:D', kind: 'reminder' }]);
    const [msg] = await rows<{ message: string; recipient: string }>(`select message, recipient from ops.period_outbox where unit_id = 'school:B'`);
    expect(msg!.recipient).toBe('Phụ trách thống kê, Trường THCS B (B)');
    expect(msg!.message).toMatch(/^Nhắc: Trường THCS B \(B\) chưa nộp báo cáo kỳ DN-timers; hạn nộp \d\d:\d\d \d\d\/\d\d\/\d{4}\.$/);
    expect(await act('submit', 'school:B')).toMatchObject({ late: false });
  });

  test('after the deadline a submission is accepted and marked late', async () => {
    await env.sleep(3 * DAY); // second reminder (deadline − 1 day), then the deadline
    const sent = await eventually(outbox, (r) => r.length >= 7);
    expect(sent.slice(3)).toEqual([
      { unit_id: 'school:C', kind: 'reminder' }, { unit_id: 'school:D', kind: 'reminder' },
      { unit_id: 'school:C', kind: 'overdue' }, { unit_id: 'school:D', kind: 'overdue' },
    ]);
    expect(await act('submit', 'school:C')).toMatchObject({ to: 'submitted', late: true });
    const { periodStatus } = await periodsDist.client();
    const s = await periodStatus(env.client, P);
    expect(s.deadlinePassed).toBe(true);
    expect(s.units.filter((u) => u.level === 'school').map((u) => [u.id, u.status, u.late])).toEqual([
      ['school:A', 'submitted', false], ['school:B', 'submitted', false], ['school:C', 'submitted', true], ['school:D', 'open', false],
    ]);
  });

  test('after the lock a school is refused, and its files too, until its parent unlocks it', async () => {
    await env.sleep(7 * DAY);
    const { lockStatusOf } = await periodsDist.client();
    const lock = await eventually(() => lockStatusOf(env.client, P, 'school:D'), (l) => !!l?.locked);
    expect(lock).toMatchObject({ unitId: 'school:D', status: 'open', locked: true });
    expect(lock!.reason).toMatch(/^Kỳ báo cáo DN-timers đã khoá sổ lúc .+; không nhận thêm số liệu của Trường THPT D \(D\)$/);
    await expect(act('submit', 'school:D')).rejects.toThrow(/^Kỳ báo cáo DN-timers đã khoá sổ lúc .+; Trường THPT D \(D\) không nộp được nữa\. Nếu cần, đề nghị Sở GDĐT Phú Thọ \(25\) mở khoá\.$/);
    expect((await eventually(outbox, (r) => r.length >= 8)).slice(7)).toEqual([{ unit_id: 'school:D', kind: 'locked' }]);
    await act('unlock', 'school:D');
    expect(await lockStatusOf(env.client, P, 'school:D')).toMatchObject({ locked: false });
    expect(await act('submit', 'school:D')).toMatchObject({ to: 'submitted', late: true });
    const marks = await eventually(
      () => rows<{ action: string; n: number }>(`select action, count(*)::integer as n from audit.period_events where action in ('deadline', 'lock') group by 1 order by 1`),
      (r) => r.length === 2,
    );
    expect(marks).toEqual([{ action: 'deadline', n: 3 }, { action: 'lock', n: 3 }]); // one per workflow (Bộ, two Sở)
    const late = await eventually(() => rows<{ unit_id: string }>(`select unit_id from audit.period_events where action = 'submit' and is_late order by unit_id`), (r) => r.length === 2);
    expect(late.map((r) => r.unit_id)).toEqual(['school:C', 'school:D']);
  });
});
