// Reporting periods: the units of a period's tree, their approval states, and the payloads of the
// period workflows. Plain data only (workflow code imports these types).

/** Levels of the approval chain, bottom to top. */
export type UnitLevel = 'school' | 'district' | 'commune' | 'province' | 'nation';

/** The highest level a school teaches (multi-level schools count by their top level, domain.md §4.3). */
export type SchoolLevel = 'MN' | 'TH' | 'THCS' | 'THPT' | 'GDTX';

/**
 * A unit's state in one period (DHIS2 data approval, adapted):
 *   open      – data may be sent and changed; not submitted yet
 *   submitted – the unit has sent its return (an aggregate unit: after all its children were approved)
 *   reviewed  – some, not all, review steps of the level above have accepted it
 *   approved  – the level above accepted it: its data for the period is locked
 *   returned  – the level above sent it back with a reason: open again, must resubmit
 */
export enum UnitStatus {
  Open = 'open',
  Submitted = 'submitted',
  Reviewed = 'reviewed',
  Approved = 'approved',
  Returned = 'returned',
}

export type ActionKind = 'submit' | 'approve' | 'return' | 'unlock';

export interface PeriodUnit {
  /** `<level>:<code>`, e.g. `school:19000123`, `commune:05443`, `province:19`, `nation:BGDDT` */
  id: string;
  code: string;
  name: string;
  level: UnitLevel;
  parentId: string | null;
  schoolLevel?: SchoolLevel;
}

export interface UnitState {
  status: UnitStatus;
  /** review steps of the level above already passed (0 unless reviewed) */
  stepsDone: number;
  /** submitted after the deadline */
  late: boolean;
  submittedAt: string | null;
  /** the last return's reason */
  reason: string | null;
  /** the parent lifted the period lock for this unit: it may still send and submit */
  unlockedAfterLock: boolean;
}

export interface ReviewStep {
  id: string;
  title: string;
}

/** What `thongke period open` fixes for a period. Times are ISO 8601 instants. */
export interface PeriodSpec {
  name: string;
  forms: string[];
  /** reference date of the data (e.g. 30/9): decides the chain (before/after 1/7/2025) */
  dataDate: string;
  deadline: string;
  lockAt: string;
  /** reminders, in ms before the deadline, to units that have not submitted */
  remindBeforeMs: number[];
  chainId: string;
  /** review steps a level goes through when it approves a child, by the approving level */
  reviewSteps: Partial<Record<UnitLevel, ReviewStep[]>>;
  openedBy: string;
  openedAt: string;
}

/** One transition, as written to audit.period_events. */
export interface PeriodEvent {
  /** `<workflow id>#<seq>`: the audit insert is idempotent on it */
  eventId: string;
  period: string;
  unitId: string;
  unitName: string;
  unitLevel: UnitLevel | 'period';
  action: ActionKind | 'reopen' | 'open' | 'deadline' | 'lock';
  actor: string;
  fromStatus: UnitStatus | null;
  toStatus: UnitStatus | null;
  reason: string | null;
  late: boolean;
  occurredAt: string;
}

/** One message to a person, as written to ops.period_outbox. */
export interface OutboxMessage {
  messageId: string;
  period: string;
  unitId: string;
  recipient: string;
  kind: 'reminder' | 'overdue' | 'locked';
  message: string;
  dueAt: string;
}

export interface ActionInput {
  unitId: string;
  /** who acts (a person or account name, recorded in the audit) */
  actor: string;
  reason?: string;
  /** approve: the review step being passed (default: the next one) */
  step?: string;
}

export interface ActionResult {
  unitId: string;
  from: UnitStatus;
  to: UnitStatus;
  late: boolean;
  /** other units the action reopened (ancestors of a returned or unlocked unit) */
  reopened: string[];
}

/** A unit held by another workflow of the same period, mirrored here (see workflows.ts). */
export interface MirrorUpdate {
  unitId: string;
  seq: number;
  state: UnitState;
}

export interface PeriodWorkflowInput {
  spec: PeriodSpec;
  units: PeriodUnit[];
  /** units whose state lives in another workflow, by unit id → that workflow's id */
  remote: Record<string, string>;
  /** local units mirrored elsewhere: unit id → the workflow ids to tell of its changes */
  mirroredIn: Record<string, string[]>;
  /** continue-as-new after this many history events (default 10,000; tests use less) */
  historyLimit?: number;
  /** carried over a continue-as-new */
  carry?: PeriodCarry;
}

export interface PeriodCarry {
  states: Record<string, UnitState>;
  seq: number;
  momentsDone: number;
  mirrorSeq: number;
  remoteSeq: Record<string, number>;
  deadlinePassed: boolean;
  closed: boolean;
  pending: PeriodEvent[];
  outbox: OutboxMessage[];
  mirrors: { target: string; update: MirrorUpdate }[];
}

export interface UnitView extends PeriodUnit, UnitState {
  /** held by another workflow of the period (state mirrored) */
  remote: boolean;
  childCount: number;
}

export interface PeriodStatus {
  spec: PeriodSpec;
  workflowId: string;
  deadlinePassed: boolean;
  closed: boolean;
  /** audit events not yet written to the warehouse */
  auditPending: number;
  units: UnitView[];
}

export interface LockStatus {
  unitId: string;
  status: UnitStatus;
  locked: boolean;
  /** why (Vietnamese), when locked */
  reason: string | null;
}
