// Opening a period, reading its status and acting on a unit, from the CLI, the ingest check or a
// test. A period is one workflow for the Bộ plus one per Sở (see workflows.ts for why).
import { randomUUID } from 'node:crypto';
import { ServiceError, WorkflowIdReusePolicy, WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { ACTION_UPDATES, PERIODS_QUEUE, lockQuery, remoteQuery, reportingPeriod, statusQuery, unitQuery } from './workflows.js';
import { NATION_ID } from './chain.js';
import type { ActionInput, ActionKind, ActionResult, LockStatus, PeriodSpec, PeriodStatus, PeriodUnit, PeriodWorkflowInput, UnitView } from './types.js';

export const periodWorkflowId = (period: string, unitId: string) => `period:${period}:${unitId}`;

/** A refused action or a period that cannot be found: the message is for people (Vietnamese). */
export class PeriodError extends Error {}

export interface OpenPeriodInput {
  spec: PeriodSpec;
  /** the whole tree, parents first (chain.ts buildTree) */
  units: PeriodUnit[];
  historyLimit?: number;
  /** workflow starts in flight at once */
  concurrency?: number;
}

/** The workflows' inputs: the Bộ with its Sở mirrored, and each Sở with its subtree and the Bộ mirrored. */
export function planPeriod(input: OpenPeriodInput): PeriodWorkflowInput[] {
  const { spec, units } = input;
  const byId = new Map(units.map((u) => [u.id, u]));
  const nation = byId.get(NATION_ID);
  if (!nation) throw new PeriodError('Cây đơn vị không có Bộ GDĐT ở gốc');
  const nationWf = periodWorkflowId(spec.name, NATION_ID);
  const provinces = units.filter((u) => u.level === 'province');
  const provinceOf = new Map<string, string>();
  const subtrees = new Map<string, PeriodUnit[]>(provinces.map((p) => [p.id, [nation, p]]));
  for (const u of units) {
    if (u.level === 'nation' || u.level === 'province') continue;
    const parent = u.parentId ? byId.get(u.parentId) : undefined;
    const province = parent?.level === 'province' ? parent.id : parent ? provinceOf.get(parent.id) : undefined;
    if (!province) throw new PeriodError(`Đơn vị ${u.name} (${u.code}) không thuộc Sở GDĐT nào trong cây`);
    provinceOf.set(u.id, province);
    subtrees.get(province)!.push(u);
  }
  const provinceWfs = provinces.map((p) => periodWorkflowId(spec.name, p.id));
  const base = { spec, historyLimit: input.historyLimit };
  return [
    { ...base, units: [nation, ...provinces], remote: Object.fromEntries(provinces.map((p, i) => [p.id, provinceWfs[i]!])), mirroredIn: { [NATION_ID]: provinceWfs } },
    ...provinces.map((p) => ({ ...base, units: subtrees.get(p.id)!, remote: { [NATION_ID]: nationWf }, mirroredIn: { [p.id]: [nationWf] } })),
  ];
}

export async function openPeriod(client: Client, input: OpenPeriodInput): Promise<string[]> {
  const plans = planPeriod(input);
  const ids = plans.map((p) => periodWorkflowId(input.spec.name, p.units.find((u) => !p.remote[u.id] && (!u.parentId || p.remote[u.parentId]))!.id));
  const start = async (i: number) => {
    try {
      await client.workflow.start(reportingPeriod, {
        taskQueue: PERIODS_QUEUE, workflowId: ids[i]!, args: [plans[i]!],
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      });
    } catch (e) {
      if ((e as Error).name === 'WorkflowExecutionAlreadyStartedError') throw new PeriodError(`Kỳ báo cáo ${input.spec.name} đã được mở (${ids[i]})`);
      throw e;
    }
  };
  // the Bộ's first: it is how the period is found, and the Sở's signal it
  await start(0);
  let next = 1;
  const lane = async () => {
    while (next < plans.length) await start(next++);
  };
  await Promise.all(Array.from({ length: Math.min(input.concurrency ?? 8, plans.length - 1) }, lane));
  return ids;
}

const nationHandle = (client: Client, period: string) => client.workflow.getHandle<typeof reportingPeriod>(periodWorkflowId(period, NATION_ID));

/** The period's workflows: the Bộ's first, then the Sở's. */
export async function periodWorkflows(client: Client, period: string): Promise<string[]> {
  let remote: Record<string, string>;
  try {
    remote = await nationHandle(client, period).query(remoteQuery);
  } catch (e) {
    if ((e as Error).name === 'WorkflowNotFoundError') throw new PeriodError(`Không có kỳ báo cáo ${period}`);
    throw e;
  }
  return [periodWorkflowId(period, NATION_ID), ...new Set(Object.values(remote))];
}

export interface PeriodOverview extends Omit<PeriodStatus, 'workflowId' | 'auditPending'> {
  workflows: { workflowId: string; auditPending: number }[];
}

/** Every unit once, as held by its own workflow (mirrors left out). */
export async function periodStatus(client: Client, period: string): Promise<PeriodOverview> {
  const ids = await periodWorkflows(client, period);
  const all = await Promise.all(ids.map((id) => client.workflow.getHandle(id).query(statusQuery)));
  const units: UnitView[] = all.flatMap((s) => s.units.filter((u) => !u.remote));
  const first = all[0]!;
  return {
    spec: first.spec,
    deadlinePassed: first.deadlinePassed,
    closed: all.every((s) => s.closed),
    units,
    workflows: all.map((s) => ({ workflowId: s.workflowId, auditPending: s.auditPending })),
  };
}

/** `19000123` → `school:19000123`; a full id is kept. */
export const resolveUnitId = (arg: string) => (arg.includes(':') ? arg : `school:${arg}`);

/** The workflow that holds a unit's state. */
export async function ownerOf(client: Client, period: string, unitId: string): Promise<WorkflowHandle<typeof reportingPeriod>> {
  if (unitId === NATION_ID || unitId.startsWith('province:')) {
    const handle = client.workflow.getHandle<typeof reportingPeriod>(periodWorkflowId(period, unitId));
    if (unitId === NATION_ID) return handle;
    const ids = await periodWorkflows(client, period);
    if (ids.includes(handle.workflowId)) return handle;
  } else {
    const ids = (await periodWorkflows(client, period)).slice(1);
    const found = await Promise.all(ids.map(async (id) => ((await client.workflow.getHandle(id).query(unitQuery, unitId)) ?? { remote: true }).remote ? null : id));
    const id = found.find((x) => x);
    if (id) return client.workflow.getHandle<typeof reportingPeriod>(id);
  }
  throw new PeriodError(`Không có đơn vị "${unitId}" trong kỳ báo cáo ${period}`);
}

/** Do an action on a unit; a refused one throws PeriodError with the workflow's reason. */
export async function actOn(client: Client, period: string, kind: ActionKind, input: ActionInput): Promise<ActionResult> {
  const handle = await ownerOf(client, period, input.unitId);
  // The server admits a few in-flight updates per workflow; past that it refuses (ServiceError). A
  // retry carries the same update id, so an update the server did take is not applied twice.
  const updateId = randomUUID();
  for (let attempt = 1; ; attempt++) {
    try {
      return await handle.executeUpdate(ACTION_UPDATES[kind], { args: [input], updateId });
    } catch (e) {
      if (e instanceof WorkflowUpdateFailedError) throw new PeriodError(e.cause?.message ?? e.message);
      if (!(e instanceof ServiceError) || attempt >= 6) throw e;
      await new Promise((r) => setTimeout(r, 250 * 2 ** attempt));
    }
  }
}

export async function lockStatusOf(client: Client, period: string, unitId: string): Promise<LockStatus | null> {
  try {
    return await (await ownerOf(client, period, unitId)).query(lockQuery, unitId);
  } catch (e) {
    if (e instanceof PeriodError) return null;
    throw e;
  }
}
