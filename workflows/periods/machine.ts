// The approval rules of a period as a pure state machine over a (sub)tree of units, used by the
// period workflow's update validators and handlers and tested alone (test/periods/machine.test.ts).
// Rules (DHIS2 data approval, adapted; issue 7):
//   - a unit submits itself; an aggregate unit only after all its children are approved;
//   - the parent approves (through the review steps of its level, if any); approving locks the data;
//   - the parent returns a submitted or approved unit with a reason: the unit is open again and every
//     ancestor that had submitted on top of it is reopened;
//   - unlock is a separate act of the parent: it lifts an approval (the unit is back to submitted and
//     its ancestors reopen), or, after the period lock, lets one school still send and submit;
//   - a parent whose own data is locked (approved) cannot return or unlock its children until the
//     level above unlocks it;
//   - deadline and lock are separate: a school submitting after the deadline is marked late; after
//     the lock it is refused.
// No Node built-ins and no clock here: the caller passes `now` (workflow time).
import { UnitStatus, type ActionInput, type ActionKind, type ActionResult, type PeriodSpec, type PeriodUnit, type ReviewStep, type UnitState } from './types.js';

export interface Node {
  unit: PeriodUnit;
  state: UnitState;
  children: string[];
  /** the state lives in another workflow; this is its mirror */
  remote: boolean;
}

export interface Transition {
  unit: PeriodUnit;
  action: ActionKind | 'reopen';
  actor: string;
  from: UnitStatus;
  to: UnitStatus;
  reason: string | null;
  late: boolean;
}

export interface Clock {
  now: number;
  /** the period lock has passed */
  closed: boolean;
}

export const SYSTEM_ACTOR = 'hệ thống';

export const STATUS_VI: Record<UnitStatus, string> = {
  [UnitStatus.Open]: 'chưa nộp',
  [UnitStatus.Submitted]: 'đã nộp',
  [UnitStatus.Reviewed]: 'đang duyệt',
  [UnitStatus.Approved]: 'đã duyệt',
  [UnitStatus.Returned]: 'bị trả lại',
};

export const initialState = (): UnitState => ({ status: UnitStatus.Open, stepsDone: 0, late: false, submittedAt: null, reason: null, unlockedAfterLock: false });

/** `HH:mm dd/MM/yyyy`, Vietnam time (UTC+7, no daylight saving). */
export function formatTimeVi(ms: number): string {
  const d = new Date(ms + 7 * 3600_000).toISOString();
  return `${d.slice(11, 16)} ${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`;
}

const isEditable = (s: UnitStatus) => s === UnitStatus.Open || s === UnitStatus.Returned;
const isPending = (s: UnitStatus) => s === UnitStatus.Submitted || s === UnitStatus.Reviewed;

export class PeriodTree {
  readonly nodes = new Map<string, Node>();

  constructor(
    readonly spec: PeriodSpec,
    units: PeriodUnit[],
    remote: Iterable<string> = [],
    states: Record<string, UnitState> = {},
  ) {
    const remoteIds = new Set(remote);
    for (const u of units) this.nodes.set(u.id, { unit: u, state: { ...(states[u.id] ?? initialState()) }, children: [], remote: remoteIds.has(u.id) });
    for (const n of this.nodes.values()) if (n.unit.parentId) this.nodes.get(n.unit.parentId)?.children.push(n.unit.id);
  }

  label(id: string): string {
    const n = this.nodes.get(id);
    return n ? `${n.unit.name} (${n.unit.code})` : id;
  }

  private parent(n: Node): Node | undefined {
    return n.unit.parentId ? this.nodes.get(n.unit.parentId) : undefined;
  }

  /** Review steps the parent goes through to approve `n` (none for the top). */
  stepsFor(n: Node): ReviewStep[] {
    const p = this.parent(n);
    return (p && this.spec.reviewSteps[p.unit.level]) ?? [];
  }

  isLeaf(n: Node): boolean {
    return n.unit.level === 'school';
  }

  /** Why `kind` may not be done now, in Vietnamese; null when it may. Pure: changes nothing. */
  check(kind: ActionKind, input: ActionInput, clock: Clock): string | null {
    const n = this.nodes.get(input.unitId);
    if (!n) return `Không có đơn vị "${input.unitId}" trong kỳ báo cáo ${this.spec.name}`;
    if (n.remote) return `${this.label(n.unit.id)} do một luồng khác của kỳ báo cáo ${this.spec.name} quản lý`;
    const me = this.label(n.unit.id);
    const p = this.parent(n);
    const s = n.state.status;
    switch (kind) {
      case 'submit': {
        if (isPending(s)) return `${me} đã nộp, đang chờ ${p ? this.label(p.unit.id) : 'cấp trên'} duyệt`;
        if (s === UnitStatus.Approved) return `${me} đã được duyệt; số liệu đã khoá`;
        const waiting = n.children.filter((c) => this.nodes.get(c)!.state.status !== UnitStatus.Approved);
        if (waiting.length) {
          const names = waiting.slice(0, 5).map((c) => this.label(c)).join(', ');
          return `Chưa thể nộp ${me}: còn ${waiting.length} đơn vị cấp dưới chưa được duyệt: ${names}${waiting.length > 5 ? ', …' : ''}`;
        }
        if (this.isLeaf(n) && clock.closed && !n.state.unlockedAfterLock) {
          return `Kỳ báo cáo ${this.spec.name} đã khoá sổ lúc ${formatTimeVi(Date.parse(this.spec.lockAt))}; ${me} không nộp được nữa. Nếu cần, đề nghị ${p ? this.label(p.unit.id) : 'cấp trên'} mở khoá.`;
        }
        return null;
      }
      case 'approve': {
        if (isEditable(s)) return `${me} chưa nộp (đang ${STATUS_VI[s]}); chưa thể duyệt`;
        if (s === UnitStatus.Approved) return `${me} đã được duyệt rồi`;
        const waiting = n.children.filter((c) => this.nodes.get(c)!.state.status !== UnitStatus.Approved);
        if (waiting.length) return `Chưa thể duyệt ${me}: còn ${waiting.length} đơn vị cấp dưới chưa được duyệt`;
        const steps = this.stepsFor(n);
        if (input.step !== undefined) {
          const next = steps[n.state.stepsDone];
          if (!next) return `Cấp duyệt ${me} không có bước "${input.step}"`;
          if (next.id !== input.step) return `Bước duyệt tiếp theo của ${me} là "${next.title}" (${next.id}), không phải "${input.step}"`;
        }
        return null;
      }
      case 'return': {
        if (!p) return `${me} là cấp cao nhất, không có cấp trên để trả lại`;
        if (!input.reason?.trim()) return `Trả lại ${me} cần nêu lý do`;
        if (isEditable(s)) return `${me} chưa nộp (đang ${STATUS_VI[s]}); không có gì để trả lại`;
        return this.parentLocked(n, p);
      }
      case 'unlock': {
        if (s === UnitStatus.Approved) return p ? this.parentLocked(n, p) : null;
        if (this.isLeaf(n) && clock.closed && isEditable(s) && !n.state.unlockedAfterLock) return null;
        if (this.isLeaf(n) && clock.closed && n.state.unlockedAfterLock) return `${me} đã được mở khoá sau khoá sổ rồi`;
        return `${me} không bị khoá (đang ${STATUS_VI[s]})`;
      }
    }
  }

  private parentLocked(n: Node, p: Node): string | null {
    if (p.state.status !== UnitStatus.Approved) return null;
    const gp = this.parent(p);
    return `${this.label(p.unit.id)} đã được duyệt (số liệu đã khoá); cần ${gp ? this.label(gp.unit.id) : 'cấp trên'} mở khoá ${this.label(p.unit.id)} trước khi trả lại hay mở khoá ${this.label(n.unit.id)}`;
  }

  /** Do `kind` (after `check` said yes): the transitions, the acted-on unit's first. */
  apply(kind: ActionKind, input: ActionInput, clock: Clock): { result: ActionResult; transitions: Transition[] } {
    const n = this.nodes.get(input.unitId)!;
    const from = n.state.status;
    const out: Transition[] = [];
    const move = (node: Node, to: UnitStatus, action: Transition['action'], actor: string, reason: string | null) => {
      out.push({ unit: node.unit, action, actor, from: node.state.status, to, reason, late: node.state.late });
      node.state.status = to;
    };
    switch (kind) {
      case 'submit':
        n.state.late = this.isLeaf(n) && clock.now > Date.parse(this.spec.deadline);
        n.state.submittedAt = new Date(clock.now).toISOString();
        n.state.stepsDone = 0;
        move(n, UnitStatus.Submitted, 'submit', input.actor, null);
        break;
      case 'approve': {
        const steps = this.stepsFor(n);
        const step = steps[n.state.stepsDone];
        n.state.stepsDone = Math.min(steps.length, n.state.stepsDone + 1);
        move(n, n.state.stepsDone < steps.length ? UnitStatus.Reviewed : UnitStatus.Approved, 'approve', input.actor, step ? `bước: ${step.title}` : null);
        break;
      }
      case 'return':
        n.state.stepsDone = 0;
        n.state.reason = input.reason!.trim();
        move(n, UnitStatus.Returned, 'return', input.actor, n.state.reason);
        this.reopenAncestors(n, `Đơn vị cấp dưới ${this.label(n.unit.id)} bị trả lại: ${n.state.reason}`, move);
        break;
      case 'unlock':
        if (from === UnitStatus.Approved) {
          n.state.stepsDone = 0;
          move(n, UnitStatus.Submitted, 'unlock', input.actor, input.reason?.trim() || null);
          this.reopenAncestors(n, `Đơn vị cấp dưới ${this.label(n.unit.id)} được mở khoá`, move);
        } else {
          n.state.unlockedAfterLock = true;
          move(n, from, 'unlock', input.actor, input.reason?.trim() || 'mở khoá sau khoá sổ');
        }
        break;
    }
    const result: ActionResult = { unitId: n.unit.id, from, to: n.state.status, late: n.state.late, reopened: out.slice(1).map((t) => t.unit.id) };
    return { result, transitions: out };
  }

  /** Every local ancestor that had submitted (or been approved) on top of `n` is open again. */
  private reopenAncestors(n: Node, reason: string, move: (node: Node, to: UnitStatus, action: 'reopen', actor: string, reason: string) => void): void {
    for (let a = this.parent(n); a && !a.remote; a = this.parent(a)) {
      if (isEditable(a.state.status)) continue;
      a.state.stepsDone = 0;
      move(a, UnitStatus.Open, 'reopen', SYSTEM_ACTOR, reason);
    }
  }

  /** A remote unit's new state arrived: mirror it; ancestors that relied on its approval reopen. */
  applyMirror(unitId: string, state: UnitState): Transition[] {
    const n = this.nodes.get(unitId);
    if (!n?.remote) return [];
    n.state = { ...state };
    const out: Transition[] = [];
    if (state.status !== UnitStatus.Approved) {
      this.reopenAncestors(n, `Đơn vị cấp dưới ${this.label(unitId)} không còn ở trạng thái đã duyệt`, (node, to, action, actor, reason) => {
        out.push({ unit: node.unit, action, actor, from: node.state.status, to, reason, late: node.state.late });
        node.state.status = to;
      });
    }
    return out;
  }

  /** Whether files for the unit are refused now, and why. */
  lockStatus(unitId: string, clock: Clock): { locked: boolean; reason: string | null } {
    const n = this.nodes.get(unitId);
    if (!n) return { locked: false, reason: null };
    if (n.state.status === UnitStatus.Approved) return { locked: true, reason: `${this.label(unitId)} đã được duyệt trong kỳ báo cáo ${this.spec.name}; số liệu đã khoá` };
    if (this.isLeaf(n) && clock.closed && !n.state.unlockedAfterLock) {
      return { locked: true, reason: `Kỳ báo cáo ${this.spec.name} đã khoá sổ lúc ${formatTimeVi(Date.parse(this.spec.lockAt))}; không nhận thêm số liệu của ${this.label(unitId)}` };
    }
    return { locked: false, reason: null };
  }
}
