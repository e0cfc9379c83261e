// ingestBatch: every file is parsed (task queue `ingest`) then loaded (task queue `warehouse`), a
// task of several files per activity; after the last load the SQL transforms run once. Durable: a worker that dies mid-batch has its
// activities retried elsewhere; loads are idempotent by content hash, so nothing counts twice.
import { proxyActivities, defineQuery, setHandler, condition } from '@temporalio/workflow';
import type * as activities from './activities.js';
import { filesPerTask } from './tasks.js';
import type { BatchProgress, IngestBatchInput, IngestBatchOutcome, ParseFileInput, ParseResult } from './types.js';

export const INGEST_QUEUE = 'ingest';
export const WAREHOUSE_QUEUE = 'warehouse';

const { parseFiles } = proxyActivities<typeof activities>({
  taskQueue: INGEST_QUEUE,
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '10 seconds',
  retry: { maximumAttempts: 5, initialInterval: '1 second' },
});

const { loadFiles, transform } = proxyActivities<typeof activities>({
  taskQueue: WAREHOUSE_QUEUE,
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '10 seconds',
  retry: { maximumAttempts: 10, initialInterval: '1 second' },
});

export const progressQuery = defineQuery<BatchProgress>('progress');

export async function ingestBatch(input: IngestBatchInput): Promise<IngestBatchOutcome> {
  const progress: BatchProgress = { total: input.files.length, parsed: 0, loaded: 0, transformed: false };
  setHandler(progressQuery, () => progress);
  const size = input.filesPerTask ?? filesPerTask(input.files.length);

  // The queue grows when a bundle opens: its members join at the end, in the order the loader
  // meets the bundles (deterministic), and are parsed and loaded like any file. The queue is cut
  // into tasks of `size` files; each task is parsed by one activity and loaded by one.
  const queue: ParseFileInput[] = input.files.map((path) => ({ path }));
  const tasks: ParseFileInput[][] = [];
  let cut = 0;
  const cutTasks = () => {
    for (; cut < queue.length; cut = Math.min(cut + size, queue.length)) tasks.push(queue.slice(cut, cut + size));
  };
  const settle: { resolve: (p: ParseResult[]) => void; reject: (e: unknown) => void }[] = [];
  const parsed: Promise<ParseResult[]>[] = [];
  const slot = (i: number) => {
    parsed[i] ??= new Promise<ParseResult[]>((resolve, reject) => (settle[i] = { resolve, reject }));
    parsed[i]!.catch(() => undefined); // a failed parse surfaces where it is loaded
    return parsed[i]!;
  };
  const addTasks = () => {
    cutTasks();
    tasks.forEach((_, i) => void slot(i));
  };
  addTasks();
  let next = 0;
  let loading = true;
  async function parseLane(): Promise<void> {
    for (;;) {
      if (next >= tasks.length) {
        if (!loading) return;
        await condition(() => next < tasks.length || !loading);
        continue;
      }
      const i = next++;
      try {
        const results = await parseFiles(tasks[i]!);
        settle[i]!.resolve(results);
        progress.parsed += results.length;
      } catch (e) {
        settle[i]!.reject(e);
      }
    }
  }
  const counts: IngestBatchOutcome['files'] = {};
  async function loadInOrder(): Promise<void> {
    try {
      for (let i = 0; i < tasks.length; i++) {
        const ps = await parsed[i]!;
        // (a file for a unit whose data is locked for the period is refused there, kept in the lake)
        for (const f of await loadFiles(ps)) counts[f.status] = (counts[f.status] ?? 0) + 1;
        progress.loaded += ps.length;
        for (const m of ps.flatMap((p) => p.members ?? [])) {
          queue.push({ path: m.path, displayName: m.name });
          progress.total++;
        }
        addTasks();
      }
    } finally {
      loading = false;
    }
  }
  const lanes = Math.max(1, input.parallelism ?? 4);
  await Promise.all([loadInOrder(), ...Array.from({ length: lanes }, parseLane)]);

  let transformRunId: string | null = null;
  if (input.transform !== false) {
    transformRunId = await transform();
    progress.transformed = true;
  }
  return { files: counts, transformRunId };
}
