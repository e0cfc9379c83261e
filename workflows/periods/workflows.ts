// reportingPeriod: the approval chain of one reporting period over a subtree of units.
//
// Granularity (measured in bench/periods, numbers in bench/README.md): one workflow per period and
// Sở (the Sở, its communes or Phòng, and its schools: up to ~3,000 units), plus one for the Bộ whose
// children are the Sở. A period for the nation is 35 workflows, not 50,000: start-up is 35 starts,
// the reminder timers are a handful per province, and each Sở's state (~150 bytes a unit, < 0.5 MB)
// fits in one continue-as-new payload. One workflow for the nation would not (50,000 units is several
// MB of state, past the 2 MB payload limit, and every action in the country would queue on one
// history); one per unit would mean 50,000 starts and timers and a signal for every parent check.
// A unit held by another workflow (the Sở in the Bộ's workflow, the Bộ in each Sở's) is mirrored:
// the owner signals each change (numbered, so a stale one is ignored), and the mirror is what the
// rules consult ("all children approved", "is my parent locked").
//
// Acting is by updates (submit/approve/return/unlock): the validator rejects an illegal transition
// with a Vietnamese message and nothing is written to the history; a legal one changes the state at
// once; its audit rows follow within a flush (one activity on `warehouse` writes a batch of them). Timers: reminders before the deadline, the deadline (later submissions are late),
// the lock (later submissions are refused). Continue-as-new carries the state, unflushed rows and
// the timers already fired.
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  defineUpdate,
  getExternalWorkflowHandle,
  log,
  proxyActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type * as activities from './activities.js';
import { PeriodTree, SYSTEM_ACTOR, formatTimeVi, type Clock, type Transition } from './machine.js';
import {
  UnitStatus,
  type ActionInput,
  type ActionKind,
  type ActionResult,
  type LockStatus,
  type MirrorUpdate,
  type OutboxMessage,
  type PeriodCarry,
  type PeriodEvent,
  type PeriodStatus,
  type PeriodWorkflowInput,
  type UnitView,
} from './types.js';

export const PERIODS_QUEUE = 'periods';
const WAREHOUSE_QUEUE = 'warehouse';

const { recordPeriodEvents } = proxyActivities<typeof activities>({
  taskQueue: WAREHOUSE_QUEUE,
  // short: a batch is small, and an attempt lost with a killed worker is only retried after this
  // (the rows are waiting in the workflow meanwhile); opening the file may wait up to 30 s for a reader
  startToCloseTimeout: '45 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

export const submitUpdate = defineUpdate<ActionResult, [ActionInput]>('submit');
export const approveUpdate = defineUpdate<ActionResult, [ActionInput]>('approve');
export const returnUpdate = defineUpdate<ActionResult, [ActionInput]>('return');
export const unlockUpdate = defineUpdate<ActionResult, [ActionInput]>('unlock');
export const ACTION_UPDATES = { submit: submitUpdate, approve: approveUpdate, return: returnUpdate, unlock: unlockUpdate } as const;

export const statusQuery = defineQuery<PeriodStatus>('status');
export const unitQuery = defineQuery<UnitView | null, [string]>('unit');
export const lockQuery = defineQuery<LockStatus | null, [string]>('lockStatus');
/** unit id → id of the workflow that holds it, for the units held elsewhere */
export const remoteQuery = defineQuery<Record<string, string>>('remote');
export const mirrorSignal = defineSignal<[MirrorUpdate]>('mirror');

/** Continue-as-new well before the 50k-event history limit (replays stay short too). */
const HISTORY_EVENTS_BEFORE_CONTINUE = 10_000;
/** Outbox rows per activity call (payloads stay far below the 2 MB limit). */
const OUTBOX_BATCH = 500;

export async function reportingPeriod(input: PeriodWorkflowInput): Promise<void> {
  const { spec } = input;
  const wfId = workflowInfo().workflowId;
  const carry: PeriodCarry = input.carry ?? {
    states: {}, seq: 0, momentsDone: 0, mirrorSeq: 0, remoteSeq: {}, deadlinePassed: false, closed: false, pending: [], outbox: [], mirrors: [],
  };
  const tree = new PeriodTree(spec, input.units, Object.keys(input.remote), carry.states);
  const roots = input.units.filter((u) => !input.remote[u.id] && (!u.parentId || input.remote[u.parentId]));
  const root = roots[0]!;
  const pending: PeriodEvent[] = carry.pending;
  const outbox: OutboxMessage[] = carry.outbox;
  const mirrors = carry.mirrors;
  let { seq, momentsDone, mirrorSeq, deadlinePassed, closed } = carry;
  const remoteSeq = carry.remoteSeq;
  const clock = (): Clock => ({ now: Date.now(), closed });

  const event = (e: Omit<PeriodEvent, 'eventId' | 'period' | 'occurredAt'>) =>
    pending.push({ ...e, eventId: `${wfId}#${++seq}`, period: spec.name, occurredAt: new Date().toISOString() });

  const record = (ts: Transition[]) => {
    for (const t of ts) {
      event({ unitId: t.unit.id, unitName: t.unit.name, unitLevel: t.unit.level, action: t.action, actor: t.actor, fromStatus: t.from, toStatus: t.to, reason: t.reason, late: t.late });
      for (const target of input.mirroredIn[t.unit.id] ?? []) {
        mirrors.push({ target, update: { unitId: t.unit.id, seq: ++mirrorSeq, state: { ...tree.nodes.get(t.unit.id)!.state } } });
      }
    }
  };

  if (!input.carry) event({ unitId: root.id, unitName: root.name, unitLevel: 'period', action: 'open', actor: spec.openedBy, fromStatus: null, toStatus: null, reason: null, late: false });

  // ---- acting ---------------------------------------------------------------------------
  const validate = (kind: ActionKind) => (a: ActionInput) => {
    const why = tree.check(kind, a, clock());
    if (why) throw ApplicationFailure.create({ message: why, type: 'IllegalTransition', nonRetryable: true });
  };
  // The handler is synchronous: the update completes in the workflow task that accepts it. It does
  // not wait for its audit rows: the server admits only a few in-flight updates per workflow (10 by
  // default), and 500 schools submitting at once were refused when each waited for a DuckDB write
  // (bench/periods). The rows are durable all the same: the transition is in the history, and the
  // flush below writes it (retried until it succeeds, idempotent by event id).
  const act = (kind: ActionKind) => (a: ActionInput): ActionResult => {
    validate(kind)(a); // the state may have moved since the validator ran
    const { result, transitions } = tree.apply(kind, a, clock());
    record(transitions);
    return result;
  };
  for (const kind of ['submit', 'approve', 'return', 'unlock'] as const) {
    setHandler(ACTION_UPDATES[kind], act(kind), { validator: validate(kind) });
  }

  setHandler(mirrorSignal, (m) => {
    if ((remoteSeq[m.unitId] ?? 0) >= m.seq) return;
    remoteSeq[m.unitId] = m.seq;
    record(tree.applyMirror(m.unitId, m.state));
  });

  // ---- reading ----------------------------------------------------------------------------
  const view = (id: string): UnitView | null => {
    const n = tree.nodes.get(id);
    return n ? { ...n.unit, ...n.state, remote: n.remote, childCount: n.children.length } : null;
  };
  setHandler(statusQuery, () => ({
    spec, workflowId: wfId, deadlinePassed, closed, auditPending: pending.length,
    units: input.units.map((u) => view(u.id)!),
  }));
  setHandler(unitQuery, view);
  setHandler(lockQuery, (id) => {
    const n = tree.nodes.get(id);
    if (!n || n.remote) return null;
    return { unitId: id, status: n.state.status, ...tree.lockStatus(id, clock()) };
  });
  setHandler(remoteQuery, () => input.remote);

  // ---- timers: reminders, deadline, lock ----------------------------------------------
  const deadline = Date.parse(spec.deadline);
  const lockAt = Date.parse(spec.lockAt);
  const opened = Date.parse(spec.openedAt);
  const moments = [
    // a reminder whose time had already passed when the period opened is not sent
    ...spec.remindBeforeMs.map((ms) => ({ at: deadline - ms, kind: 'reminder' as const })).filter((m) => m.at > opened),
    { at: deadline, kind: 'deadline' as const },
    { at: lockAt, kind: 'lock' as const },
  ].sort((a, b) => a.at - b.at);

  const notSubmitted = () => [...tree.nodes.values()].filter((n) => !n.remote && tree.isLeaf(n) && (n.state.status === UnitStatus.Open || n.state.status === UnitStatus.Returned));
  const notify = (i: number, kind: OutboxMessage['kind'], text: (label: string) => string) => {
    for (const n of notSubmitted()) {
      const label = tree.label(n.unit.id);
      outbox.push({ messageId: `${wfId}/${i}/${n.unit.id}`, period: spec.name, unitId: n.unit.id, recipient: `Phụ trách thống kê, ${label}`, kind, message: text(label), dueAt: new Date().toISOString() });
    }
  };
  const fire = (i: number, kind: 'reminder' | 'deadline' | 'lock') => {
    const dl = formatTimeVi(deadline);
    const lk = formatTimeVi(lockAt);
    if (kind === 'reminder') notify(i, 'reminder', (l) => `Nhắc: ${l} chưa nộp báo cáo kỳ ${spec.name}; hạn nộp ${dl}.`);
    if (kind === 'deadline') {
      deadlinePassed = true;
      event({ unitId: root.id, unitName: root.name, unitLevel: 'period', action: 'deadline', actor: SYSTEM_ACTOR, fromStatus: null, toStatus: null, reason: null, late: false });
      notify(i, 'overdue', (l) => `${l} đã quá hạn nộp báo cáo kỳ ${spec.name} (hạn ${dl}); vẫn nộp được đến ${lk}, sẽ bị ghi là nộp muộn.`);
    }
    if (kind === 'lock') {
      closed = true;
      event({ unitId: root.id, unitName: root.name, unitLevel: 'period', action: 'lock', actor: SYSTEM_ACTOR, fromStatus: null, toStatus: null, reason: null, late: false });
      notify(i, 'locked', (l) => `Kỳ báo cáo ${spec.name} đã khoá sổ lúc ${lk}; ${l} chưa nộp nên không được nhận số liệu nữa.`);
    }
  };
  void (async () => {
    for (let i = momentsDone; i < moments.length; i++) {
      const wait = moments[i]!.at - Date.now();
      if (wait > 0) await sleep(wait);
      fire(i, moments[i]!.kind);
      momentsDone = i + 1;
    }
  })();

  // ---- writing: audit rows and outbox (warehouse), mirrors (signals) -----------------------
  const tooLong = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > (input.historyLimit ?? HISTORY_EVENTS_BEFORE_CONTINUE);
  for (;;) {
    await condition(() => pending.length > 0 || outbox.length > 0 || mirrors.length > 0 || tooLong());
    // mirrors first: the other workflows' rules wait on them; the audit rows only on DuckDB
    while (mirrors.length) {
      const m = mirrors[0]!;
      try {
        await getExternalWorkflowHandle(m.target).signal(mirrorSignal, m.update);
      } catch (e) {
        log.warn('mirror signal not delivered', { target: m.target, unitId: m.update.unitId, error: String(e) });
      }
      mirrors.shift();
    }
    while (pending.length || outbox.length) {
      const events = pending.slice();
      const messages = outbox.slice(0, OUTBOX_BATCH);
      await recordPeriodEvents({ spec, events, outbox: messages });
      pending.splice(0, events.length);
      outbox.splice(0, messages.length);
    }
    if (tooLong()) {
      await condition(() => allHandlersFinished() || pending.length > 0);
      if (pending.length || outbox.length || mirrors.length || !allHandlersFinished()) continue;
      const states: PeriodCarry['states'] = {};
      for (const [id, n] of tree.nodes) states[id] = n.state;
      // the timers restart from momentsDone in the next run
      await continueAsNew<typeof reportingPeriod>({
        ...input,
        carry: { states, seq, momentsDone, mirrorSeq, remoteSeq, deadlinePassed, closed, pending, outbox, mirrors },
      });
    }
  }
}
