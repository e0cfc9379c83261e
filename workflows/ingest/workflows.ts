// ingestBatch: every file is parsed (task queue `ingest`) then loaded (task queue `warehouse`);
// after the last load the SQL transforms run once. Durable: a worker that dies mid-batch has its
// activities retried elsewhere; loads are idempotent by content hash, so nothing counts twice.
import { proxyActivities, defineQuery, setHandler, condition, patched } from '@temporalio/workflow';
import type * as periodActivities from '../periods/activities.js';
import type * as activities from './activities.js';
import type { BatchProgress, FileSummary, IngestBatchInput, IngestBatchResult, ParseResult } from './types.js';

export const INGEST_QUEUE = 'ingest';
export const WAREHOUSE_QUEUE = 'warehouse';

const { parseFile } = proxyActivities<typeof activities>({
  taskQueue: INGEST_QUEUE,
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '10 seconds',
  retry: { maximumAttempts: 5, initialInterval: '1 second' },
});

const { loadFile, transform } = proxyActivities<typeof activities>({
  taskQueue: WAREHOUSE_QUEUE,
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '10 seconds',
  retry: { maximumAttempts: 10, initialInterval: '1 second' },
});

const { periodLockStatus } = proxyActivities<typeof periodActivities>({
  taskQueue: WAREHOUSE_QUEUE,
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 10, initialInterval: '1 second' },
});

export const progressQuery = defineQuery<BatchProgress>('progress');

export async function ingestBatch(input: IngestBatchInput): Promise<IngestBatchResult> {
  const progress: BatchProgress = { total: input.files.length, parsed: 0, loaded: 0, transformed: false };
  setHandler(progressQuery, () => progress);

  // The queue grows when a bundle opens: its members join at the end, in the order the loader
  // meets the bundle (deterministic), and are parsed and loaded like any file.
  const queue: { path: string; displayName?: string }[] = input.files.map((path) => ({ path }));
  const settle: { resolve: (p: ParseResult) => void; reject: (e: unknown) => void }[] = [];
  const parsed: Promise<ParseResult>[] = [];
  const slot = (i: number) => {
    parsed[i] ??= new Promise<ParseResult>((resolve, reject) => (settle[i] = { resolve, reject }));
    parsed[i]!.catch(() => undefined); // a failed parse surfaces where it is loaded
    return parsed[i]!;
  };
  queue.forEach((_, i) => void slot(i));
  let next = 0;
  let loading = true;
  async function parseLane(): Promise<void> {
    for (;;) {
      if (next >= queue.length) {
        if (!loading) return;
        await condition(() => next < queue.length || !loading);
        continue;
      }
      const i = next++;
      try {
        settle[i]!.resolve(await parseFile(queue[i]!));
        progress.parsed++;
      } catch (e) {
        settle[i]!.reject(e);
      }
    }
  }
  async function loadInOrder(): Promise<FileSummary[]> {
    const results: FileSummary[] = [];
    try {
      for (let i = 0; i < queue.length; i++) {
        let p = await parsed[i]!;
        // a file for a unit whose data is locked for the period is refused (kept in the lake)
        if (patched('period-lock-check') && p.status === 'parsed' && p.form && p.period && p.schoolCode) {
          const lock = await periodLockStatus({ form: p.form, schoolYear: p.period, schoolCode: p.schoolCode });
          if (lock) {
            p = { ...p, status: 'rejected', message: `Tệp ${p.fileName}: ${lock.reason ?? `dữ liệu của đơn vị đã khoá trong kỳ ${lock.period}`}`,
              rowsAccepted: 0, rowsRejected: p.rowsRead - p.rowsIgnored };
          }
        }
        results.push(await loadFile(p));
        progress.loaded++;
        for (const m of p.members ?? []) {
          queue.push({ path: m.path, displayName: m.name });
          void slot(queue.length - 1);
          progress.total++;
        }
      }
      return results;
    } finally {
      loading = false;
    }
  }
  const lanes = Math.max(1, input.parallelism ?? 4);
  const [files] = await Promise.all([loadInOrder(), ...Array.from({ length: lanes }, parseLane)]);

  let transformRunId: string | null = null;
  if (input.transform !== false) {
    transformRunId = await transform();
    progress.transformed = true;
  }
  return { files, transformRunId };
}
