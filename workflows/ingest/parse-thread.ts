// Worker-thread entry: parses workbooks off the activity's event loop (CPU-bound work), one job
// at a time, posting progress so the activity can heartbeat, then the result (counts and paths,
// never rows). The thread lives on for the next job (parse-in-thread.ts keeps a pool).
import { parentPort } from 'node:worker_threads';
import { parseWorkbook, type ParseWorkbookInput } from './parse-workbook.js';

parentPort!.on('message', (m: { id: number; input: Omit<ParseWorkbookInput, 'onProgress'> }) => {
  parseWorkbook({ ...m.input, onProgress: (rowsRead) => parentPort!.postMessage({ id: m.id, type: 'progress', rowsRead }) })
    .then((result) => parentPort!.postMessage({ id: m.id, type: 'done', result }))
    .catch((e: unknown) => parentPort!.postMessage({ id: m.id, type: 'error', message: String((e as Error)?.stack ?? e) }));
});

// listening now: the pool may send jobs
parentPort!.postMessage({ id: 0, type: 'ready' });
