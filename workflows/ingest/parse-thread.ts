// Worker-thread entry: parses one workbook off the activity's event loop (CPU-bound work), posting
// progress so the activity can heartbeat, then the result (counts and paths, never rows).
import { parentPort, workerData } from 'node:worker_threads';
import { parseWorkbook, type ParseWorkbookInput } from './parse-workbook.js';

const input = workerData as Omit<ParseWorkbookInput, 'onProgress'>;
parseWorkbook({ ...input, onProgress: (rowsRead) => parentPort!.postMessage({ type: 'progress', rowsRead }) })
  .then((result) => parentPort!.postMessage({ type: 'done', result }))
  .catch((e: unknown) => parentPort!.postMessage({ type: 'error', message: String((e as Error)?.stack ?? e) }));
