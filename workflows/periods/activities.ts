// Period activities. recordPeriodEvents runs on task queue `warehouse` (the single DuckDB writer):
// it appends transitions to audit.period_events and messages to ops.period_outbox, idempotently by
// id. periodLockStatus (also `warehouse`, it reads ops.periods) tells ingest whether a school's
// data for a form and school year is locked, by asking the period's workflows.
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { thongkeHome, warehousePath } from '../../warehouse/home.js';
import { withWarehouse, type Warehouse } from '../../warehouse/db.js';
import type { LockStatus, OutboxMessage, PeriodEvent, PeriodSpec } from './types.js';
import { lockStatusOf } from './client.js';

export interface RecordInput {
  spec: PeriodSpec;
  events: PeriodEvent[];
  outbox: OutboxMessage[];
}

export async function recordPeriodEvents(input: RecordInput): Promise<number> {
  return withWarehouse(warehousePath(thongkeHome()), (wh) => writePeriodRows(wh, input));
}

/** The insert statements, in one transaction; rows travel as one JSON parameter per table. */
export async function writePeriodRows(wh: Warehouse, input: RecordInput): Promise<number> {
  const { spec } = input;
  return wh.transaction(async () => {
    await wh.run(
      `insert or ignore into ops.periods (period, chain_id, forms, data_date, deadline_at, lock_at, opened_by, opened_at)
       values ($1, $2, string_split($3, ','), $4::date, $5::timestamptz, $6::timestamptz, $7, $8::timestamptz)`,
      [spec.name, spec.chainId, spec.forms.join(','), spec.dataDate, spec.deadline, spec.lockAt, spec.openedBy, spec.openedAt],
    );
    if (input.events.length) {
      await wh.run(
        `insert or ignore into audit.period_events
         (event_id, period, unit_id, unit_name, unit_level, action, actor, from_status, to_status, reason, is_late, occurred_at)
         select e.event_id, e.period, e.unit_id, e.unit_name, e.unit_level, e.action, e.actor, e.from_status, e.to_status, e.reason, e.is_late, e.occurred_at::timestamptz
         from (select unnest(from_json($1::json, '[{"event_id":"VARCHAR","period":"VARCHAR","unit_id":"VARCHAR","unit_name":"VARCHAR","unit_level":"VARCHAR","action":"VARCHAR","actor":"VARCHAR","from_status":"VARCHAR","to_status":"VARCHAR","reason":"VARCHAR","is_late":"BOOLEAN","occurred_at":"VARCHAR"}]')) as e)`,
        [JSON.stringify(input.events.map((e) => ({
          event_id: e.eventId, period: e.period, unit_id: e.unitId, unit_name: e.unitName, unit_level: e.unitLevel, action: e.action, actor: e.actor,
          from_status: e.fromStatus, to_status: e.toStatus, reason: e.reason, is_late: e.late, occurred_at: e.occurredAt,
        })))],
      );
    }
    if (input.outbox.length) {
      await wh.run(
        `insert or ignore into ops.period_outbox (message_id, period, unit_id, recipient, kind, message, due_at)
         select m.message_id, m.period, m.unit_id, m.recipient, m.kind, m.message, m.due_at::timestamptz
         from (select unnest(from_json($1::json, '[{"message_id":"VARCHAR","period":"VARCHAR","unit_id":"VARCHAR","recipient":"VARCHAR","kind":"VARCHAR","message":"VARCHAR","due_at":"VARCHAR"}]')) as m)`,
        [JSON.stringify(input.outbox.map((m) => ({
          message_id: m.messageId, period: m.period, unit_id: m.unitId, recipient: m.recipient, kind: m.kind, message: m.message, due_at: m.dueAt,
        })))],
      );
    }
    return input.events.length;
  });
}

export interface LockCheckInput {
  form: string;
  /** the file's school year, e.g. 2025-2026 */
  schoolYear: string;
  schoolCode: string;
}

/** The school year a data date belongs to: from 1 August (the school year starts in September). */
export function schoolYearOfDate(dataDate: string): string {
  const y = Number(dataDate.slice(0, 4));
  const start = Number(dataDate.slice(5, 7)) >= 8 ? y : y - 1;
  return `${start}-${start + 1}`;
}

/**
 * Whether a school's file for (form, school year) is refused because a period covering it has
 * locked the school (approved, or past the lock): the first locking period found, else null.
 */
export async function periodLockStatus(input: LockCheckInput): Promise<(LockStatus & { period: string }) | null> {
  return (await periodLockStatuses([input]))[0]!;
}

/** periodLockStatus of many files (a load task): ops.periods read once. */
export async function periodLockStatuses(inputs: LockCheckInput[]): Promise<((LockStatus & { period: string }) | null)[]> {
  if (!inputs.length) return [];
  const periods = await withWarehouse(warehousePath(thongkeHome()), (wh) =>
    wh.rows<{ period: string; forms: string[]; data_date: string }>(`select period, forms, data_date::varchar as data_date from ops.periods order by opened_at`),
  );
  const out: ((LockStatus & { period: string }) | null)[] = [];
  for (const input of inputs) {
    out.push(null);
    for (const p of periods.filter((x) => [...x.forms].includes(input.form) && schoolYearOfDate(x.data_date) === input.schoolYear)) {
      const client: Client = Context.current().client;
      const status = await lockStatusOf(client, p.period, `school:${input.schoolCode}`);
      if (status?.locked) {
        out[out.length - 1] = { ...status, period: p.period };
        break;
      }
    }
  }
  return out;
}
