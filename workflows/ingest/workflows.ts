// ingestBatch: every file is parsed (task queue `ingest`) then loaded (task queue `warehouse`);
// after the last load the SQL transforms run once. Durable: a worker that dies mid-batch has its
// activities retried elsewhere; loads are idempotent by content hash, so nothing counts twice.
import { proxyActivities, defineQuery, setHandler } from '@temporalio/workflow';
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

export const progressQuery = defineQuery<BatchProgress>('progress');

export async function ingestBatch(input: IngestBatchInput): Promise<IngestBatchResult> {
  const progress: BatchProgress = { total: input.files.length, parsed: 0, loaded: 0, transformed: false };
  setHandler(progressQuery, () => progress);

  const n = input.files.length;
  // Parses run `parallelism` at a time; loads run one at a time in input order, so which file
  // supersedes which is decided by the batch, not by which parse happened to finish first.
  const settle: { resolve: (p: ParseResult) => void; reject: (e: unknown) => void }[] = [];
  const parsed = input.files.map((_, i) => new Promise<ParseResult>((resolve, reject) => (settle[i] = { resolve, reject })));
  for (const p of parsed) p.catch(() => undefined); // a failed parse surfaces where it is loaded
  let next = 0;
  async function parseLane(): Promise<void> {
    while (next < n) {
      const i = next++;
      try {
        settle[i]!.resolve(await parseFile({ path: input.files[i]! }));
        progress.parsed++;
      } catch (e) {
        settle[i]!.reject(e);
      }
    }
  }
  async function loadInOrder(): Promise<FileSummary[]> {
    const results: FileSummary[] = [];
    for (let i = 0; i < n; i++) {
      results.push(await loadFile(await parsed[i]!));
      progress.loaded++;
    }
    return results;
  }
  const lanes = Math.max(1, Math.min(input.parallelism ?? 4, n));
  const [files] = await Promise.all([loadInOrder(), ...Array.from({ length: lanes }, parseLane)]);

  let transformRunId: string | null = null;
  if (input.transform !== false) {
    transformRunId = await transform();
    progress.transformed = true;
  }
  return { files, transformRunId };
}
