// Scale-out (README "Scaling out"): one batch through two `thongke worker --queues ingest`
// processes and one `--queues warehouse` process leaves the same warehouse as the same batch
// through a single `thongke worker` serving every queue. Each run has its own dev server and
// THONGKE_HOME; the input files are the same files, generated once.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { hostname } from 'node:os';
import { relative } from 'node:path';
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { FileKey } from '../../fixtures/generate.js';
import type { ParseResult } from '../../workflows/ingest/types.js';
import { dist } from '../helpers/dist.js';
import { spawnWorker, startServer, stopProcess, tempHome } from '../helpers/env.js';
import { warehouseContents, type WarehouseContents } from '../helpers/warehouse.js';

type History = temporal.api.history.v1.IHistory;

interface Run {
  /** each worker process's Temporal identity (the SDK's default, `<pid>@<host>`), by role */
  identities: Record<string, string>;
  /** activity pollers the server saw on each queue before the batch started */
  pollers: Record<'ingest' | 'warehouse', string[]>;
  history: History;
  contents: WarehouseContents;
}

const setDir = tempHome('thongke-scale-set-');
let files: string[];
let single: Run;
let scaled: Run;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A slice of the tiny set with every kind of input in it, small enough to ingest twice: the
 * largest commune zip bundle (a bundle's members are put in the shared lake by the ingest worker
 * that opened it, and parsed by whichever worker takes them), the Sở's files (province lists, the
 * statistical return export), every file of the school that sent the old .xls, over six school
 * years (a wrong period, another school's code, its statistical returns), and the files stating
 * the same form, year and school as one of those (one supersedes the other: load order counts).
 */
async function inputs(): Promise<string[]> {
  const { generate } = await dist.generate();
  const { expandInputs } = await dist.inputs();
  const set = await generate({ scale: 'tiny', seed: 5, out: setDir, dirtRate: 0.02 });
  const xls = set.defects.find((d) => d.kind === 'old_xls')!.file;
  const school = set.files.find((f) => f.file === xls)!.school_id;
  const own = set.files.filter((f) => f.school_id === school);
  const codes = new Set(own.map((f) => f.unit));
  const states = (f: FileKey) => `${f.form}|${f.period}|${f.stated_unit}`;
  const stated = new Set(own.map(states));
  const bySo = (file: string) => file.split('/')[1] === 'so';
  const members = new Map<string, number>();
  for (const [zip, member] of set.files.map((f) => f.file.split('!'))) if (member) members.set(zip!, (members.get(zip!) ?? 0) + 1);
  const bundle = [...members].sort(([a, m], [b, n]) => n - m || a.localeCompare(b))[0]![0];
  const picked = new Set([
    bundle,
    ...set.files.filter((f) => f.school_id === school || stated.has(states(f)) || bySo(f.file)).map((f) => f.file),
    ...set.grids.filter((g) => codes.has(g.unit) || bySo(g.file)).map((g) => g.file),
  ]);
  // in the order `thongke ingest <folder>` gives them
  return expandInputs([setDir]).filter((p) => picked.has(relative(setDir, p)));
}

/** The identities of the activity pollers on `queue`, once every one of `want` is among them. */
async function pollersOf(client: Client, queue: string, want: string[], procs: ChildProcess[], logs: string[]): Promise<string[]> {
  for (;;) {
    const { pollers } = await client.workflowService.describeTaskQueue({
      namespace: client.options.namespace,
      taskQueue: { name: queue },
      taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
    });
    const seen = [...new Set((pollers ?? []).map((p) => p.identity ?? ''))].sort();
    if (want.every((w) => seen.includes(w))) return seen;
    const dead = procs.findIndex((p) => p.exitCode !== null || p.signalCode !== null);
    if (dead >= 0) throw new Error(`worker ${dead} exited before polling ${queue}: ${logs[dead]}`);
    await sleep(250);
  }
}

interface Stack {
  home: string;
  client: Client;
  identities: Record<string, string>;
  pollers: Run['pollers'];
  stop(): Promise<void>;
}
const stacks: Stack[] = [];

/** A dev server and the worker processes in a fresh home, every worker polling. */
async function start(workers: { role: string; queues?: string; env?: Record<string, string> }[]): Promise<Stack> {
  const home = tempHome();
  const server = await startServer(home);
  const env = { THONGKE_HOME: home, TEMPORAL_ADDRESS: server.address };
  const procs = workers.map((w) => spawnWorker({ ...env, ...w.env }, w.queues));
  const logs = procs.map(() => '');
  procs.forEach((p, i) => p.stderr?.on('data', (d) => (logs[i] += d)));
  const client = await (await dist.client()).connectClient(server.address);
  let stopped: Promise<void> | undefined;
  const stack: Stack = {
    home,
    client,
    identities: Object.fromEntries(workers.map((w, i) => [w.role, `${procs[i]!.pid}@${hostname()}`])),
    pollers: { ingest: [], warehouse: [] },
    stop: () => (stopped ??= (async () => {
      await Promise.all(procs.map((p) => stopProcess(p)));
      await client.connection.close();
      await server.stop();
    })()),
  };
  stacks.push(stack);
  const serving = (queue: string) => workers.filter((w) => !w.queues || w.queues.split(',').includes(queue)).map((w) => stack.identities[w.role]!);
  // the batch starts once the server has seen every worker poll, so none misses it by starting late
  stack.pollers = {
    ingest: await pollersOf(client, 'ingest', serving('ingest'), procs, logs),
    warehouse: await pollersOf(client, 'warehouse', serving('warehouse'), procs, logs),
  };
  return stack;
}

/** The batch of `files` on a stack, to the end (with the transforms); then the stack is stopped and its warehouse read. */
async function ingest(stack: Stack, workflowId: string): Promise<Run> {
  let history: History;
  try {
    const result = await (await dist.client()).runIngestBatch(stack.client, { files }, undefined, workflowId);
    expect(result.files.length).toBeGreaterThan(files.length); // the bundles' members too
    history = await stack.client.workflow.getHandle(workflowId).fetchHistory();
  } finally {
    await stack.stop();
  }
  // read once the warehouse worker is gone: nothing holds the file
  return { identities: stack.identities, pollers: stack.pollers, history, contents: await warehouseContents(stack.home) };
}

interface Done {
  type: string;
  /** the task queue it was scheduled on */
  queue: string;
  /** the worker that ran it: the identity it polled with */
  identity: string;
  result: unknown;
}

/** Every completed activity of a batch, in the order it completed. */
function completed(history: History): Done[] {
  const scheduled = new Map<string, { type: string; queue: string }>();
  const started = new Map<string, string>();
  const out: Done[] = [];
  for (const e of history.events ?? []) {
    const s = e.activityTaskScheduledEventAttributes;
    if (s) scheduled.set(String(e.eventId), { type: s.activityType!.name!, queue: s.taskQueue!.name! });
    // the started event names the worker that polled the task (recorded for the attempt that finished)
    const st = e.activityTaskStartedEventAttributes;
    if (st) started.set(String(e.eventId), st.identity!);
    const c = e.activityTaskCompletedEventAttributes;
    if (c) {
      const payload = c.result?.payloads?.[0];
      out.push({
        ...scheduled.get(String(c.scheduledEventId))!,
        identity: started.get(String(c.startedEventId))!,
        result: payload ? defaultPayloadConverter.fromPayload(payload) : undefined,
      });
    }
  }
  return out;
}

beforeAll(async () => {
  // The two runs share nothing but the input files (each its own dev server, workers and home),
  // so they start while the set is generated, and run side by side.
  const [set, a, b] = await Promise.all([
    inputs(),
    // A: the single-worker default, one process serving every queue
    start([{ role: 'all' }]),
    // B: two ingest processes and the one warehouse process. Each ingest worker takes one parse
    // task at a time (THONGKE_PARSE_THREADS=1: one thread, so one task), while ingestBatch keeps
    // several in flight (its parse lanes): both get parses unless one of them is not working.
    start([
      { role: 'ingest-1', queues: 'ingest', env: { THONGKE_PARSE_THREADS: '1' } },
      { role: 'ingest-2', queues: 'ingest', env: { THONGKE_PARSE_THREADS: '1' } },
      { role: 'warehouse', queues: 'warehouse' },
    ]),
  ]);
  files = set;
  [single, scaled] = await Promise.all([ingest(a, 'scale-out-single'), ingest(b, 'scale-out-scaled')]);
}, 360_000); // about 90 s on two cores shared with other work; the margin is for a busier machine

afterAll(async () => {
  await Promise.all(stacks.map((s) => s.stop()));
});

test('the batch is a real mix: bundles, rejected and superseded files, rows in raw and marts', () => {
  const statuses = new Set(single.contents['ops.files']!.map((f) => f.status));
  expect([...statuses]).toEqual(expect.arrayContaining(['bundle', 'loaded', 'rejected', 'superseded']));
  expect(single.contents['ops.rejects']!.length).toBeGreaterThan(0);
  const filled = (schema: string) => Object.entries(single.contents).filter(([t, rows]) => t.startsWith(`${schema}.`) && rows.length > 0).length;
  expect(filled('raw')).toBeGreaterThan(3);
  expect(filled('marts')).toBeGreaterThan(3);
});

test('run A: one process did everything', () => {
  const id = single.identities.all!;
  expect(single.pollers).toEqual({ ingest: [id], warehouse: [id] });
  expect(new Set(completed(single.history).map((a) => a.identity))).toEqual(new Set([id]));
});

test('run B: both ingest processes parsed, the warehouse process alone loaded and transformed', () => {
  const role = (id: string) => Object.entries(scaled.identities).find(([, i]) => i === id)?.[0] ?? id;
  const activities = completed(scaled.history).map((a) => ({ ...a, role: role(a.identity) }));
  // the parses are the activities on the ingest queue; one returns a file's result (or several)
  const parsed = activities.filter((a) => a.queue === 'ingest').flatMap((a) => ([a.result].flat() as ParseResult[]).map((r) => ({ role: a.role, sha256: r.sha256 })));
  expect(parsed.length).toBeGreaterThan(files.length);
  // A parse that is the first of its content did the work: no parse before it had left its result
  // in the lake's manifests (shared by the ingest workers) for it to reuse. Each ingest process
  // has some; no other process parsed.
  const all: Record<string, number> = {};
  const first: Record<string, number> = {};
  const seen = new Set<string>();
  for (const p of parsed) {
    all[p.role] = (all[p.role] ?? 0) + 1;
    if (!seen.has(p.sha256)) first[p.role] = (first[p.role] ?? 0) + 1;
    seen.add(p.sha256);
  }
  console.log(`scale-out: files parsed by worker ${JSON.stringify(all)}, of which first of their content ${JSON.stringify(first)}`);
  expect(Object.keys(first).sort(), 'the ingest processes that parsed files').toEqual(['ingest-1', 'ingest-2']);
  expect(Object.keys(all).sort()).toEqual(['ingest-1', 'ingest-2']);
  // every activity on the warehouse queue (loads, lock checks, the transforms) ran on the
  // warehouse process, the one writer
  const writes = activities.filter((a) => a.queue === 'warehouse');
  expect(writes.map((a) => a.type)).toContain('transform');
  expect(writes.filter((a) => a.type.startsWith('load')).length).toBeGreaterThan(0);
  expect(new Set(writes.map((a) => a.role))).toEqual(new Set(['warehouse']));
  expect(new Set(activities.map((a) => a.queue))).toEqual(new Set(['ingest', 'warehouse']));
  // the batch workflow itself on the ingest processes
  const workflowTasks = (scaled.history.events ?? []).flatMap((e) => e.workflowTaskCompletedEventAttributes?.identity ?? []).map(role);
  expect(workflowTasks.length).toBeGreaterThan(0);
  expect(workflowTasks.filter((r) => !r.startsWith('ingest-'))).toEqual([]);
  // and the server saw exactly these pollers: the ingest processes on `ingest`, one on `warehouse`
  const { 'ingest-1': one, 'ingest-2': two, warehouse } = scaled.identities;
  expect(scaled.pollers).toEqual({ ingest: [one!, two!].sort(), warehouse: [warehouse!] });
});

test('run B leaves the same warehouse as run A: ops.files, ops.rejects, every raw and mart table', () => {
  // same tables on both sides, then the same sorted rows in each (a table at a time, so a
  // difference names its table)
  expect(Object.keys(scaled.contents)).toEqual(Object.keys(single.contents));
  for (const [table, rows] of Object.entries(single.contents)) expect(scaled.contents[table], table).toEqual(rows);
});
