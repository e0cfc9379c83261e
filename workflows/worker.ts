// The workers: task queue `ingest` (ingestBatch workflows and parsing; run as many as you like,
// on any machine) and task queue `warehouse` (loads and transforms; exactly one, beside the
// DuckDB file, one activity at a time).
import { DefaultLogger, NativeConnection, Runtime, Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import * as ingestActivities from './ingest/activities.js';
import { PARSE_THREADS } from './ingest/parse-in-thread.js';
import { INGEST_QUEUE, WAREHOUSE_QUEUE } from './ingest/workflows.js';
import * as periodActivities from './periods/activities.js';
import { PERIODS_QUEUE } from './periods/workflows.js';
import { temporalAddress, temporalNamespace } from './connection.js';
import { closeKeptWarehouses, keepWarehouseOpen } from '../warehouse/db.js';

/** The warehouse worker closes the DuckDB file after this long without an activity, so other processes can read it. */
export const WAREHOUSE_IDLE_CLOSE_MS = 1500;

export type Queue = typeof INGEST_QUEUE | typeof WAREHOUSE_QUEUE | typeof PERIODS_QUEUE;
export const QUEUES: Queue[] = [INGEST_QUEUE, WAREHOUSE_QUEUE, PERIODS_QUEUE];

const workflowsPath = fileURLToPath(new URL('./workflows.js', import.meta.url));
let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
// reporting periods (workflows/periods): their own queue and bundle
const periodWorkflowsPath = fileURLToPath(new URL('./periods/workflows.js', import.meta.url));
let periodBundle: Promise<WorkflowBundleWithSourceMap> | undefined;

export interface WorkerOptions {
  queues?: Queue[];
  address?: string;
  namespace?: string;
  /** Parses at once on this worker (each in its own thread); default: its parse threads (THONGKE_PARSE_THREADS, else the cores). */
  parseSlots?: number;
}

export interface RunningWorkers {
  /** Resolves when all workers have shut down. */
  done: Promise<void>;
  shutdown(): void;
}

let runtimeInstalled = false;

export async function startWorkers(opts: WorkerOptions = {}): Promise<RunningWorkers> {
  if (!runtimeInstalled) {
    // worker state changes are routine; keep the terminal for progress and problems
    // (the warehouse queue has no workflows and the periods queue no activities, by design: that
    // warning is noise)
    const level = (process.env.THONGKE_LOG_LEVEL as 'WARN' | undefined) ?? 'WARN';
    Runtime.install({
      logger: new DefaultLogger(level, (entry) => {
        if (!/^No (workflows|activities) registered/.test(entry.message)) console.error(`${entry.level} ${entry.message}`, entry.meta ?? '');
      }),
    });
    runtimeInstalled = true;
  }
  const connection = await NativeConnection.connect({ address: opts.address ?? temporalAddress() });
  const namespace = opts.namespace ?? temporalNamespace();
  const queues = opts.queues ?? QUEUES;
  const workers: Worker[] = [];
  if (queues.includes(INGEST_QUEUE)) {
    bundle ??= bundleWorkflowCode({ workflowsPath, logger: quietLogger });
    workers.push(await Worker.create({
      connection,
      namespace,
      taskQueue: INGEST_QUEUE,
      workflowBundle: await bundle,
      activities: { parseFiles: ingestActivities.parseFiles },
      maxConcurrentActivityTaskExecutions: opts.parseSlots ?? PARSE_THREADS,
    }));
  }
  if (queues.includes(WAREHOUSE_QUEUE)) {
    // the single writer keeps the file open while activities keep coming (warehouse/db.ts)
    keepWarehouseOpen(WAREHOUSE_IDLE_CLOSE_MS);
    workers.push(await Worker.create({
      connection,
      namespace,
      taskQueue: WAREHOUSE_QUEUE,
      activities: {
        loadFiles: ingestActivities.loadFiles,
        transform: ingestActivities.transform,
        recordPeriodEvents: periodActivities.recordPeriodEvents,
      },
      // the single writer: one load or transform at a time
      maxConcurrentActivityTaskExecutions: 1,
    }));
  }
  if (queues.includes(PERIODS_QUEUE)) {
    periodBundle ??= bundleWorkflowCode({ workflowsPath: periodWorkflowsPath, logger: quietLogger });
    workers.push(await Worker.create({ connection, namespace, taskQueue: PERIODS_QUEUE, workflowBundle: await periodBundle }));
  }
  const done = Promise.all(workers.map((w) => w.run())).then(async () => {
    await connection.close();
    await closeKeptWarehouses();
  });
    // a second Ctrl-C while draining is not an error
  const shutdown = () => workers.forEach((w) => {
    if (w.getState() === 'RUNNING') w.shutdown();
  });
  return { done, shutdown };
}

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (m: string) => console.warn(m),
  error: (m: string) => console.error(m),
};
