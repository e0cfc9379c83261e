// Runs parseWorkbook in a worker thread; resolves with its result, rejects on a crash.
import { Worker } from 'node:worker_threads';
import type { ParseWorkbookInput } from './parse-workbook.js';
import type { ParseResult } from './types.js';

const threadFile = new URL('./parse-thread.js', import.meta.url);

export function parseInThread(input: ParseWorkbookInput, signal?: AbortSignal): Promise<ParseResult> {
  const { onProgress, ...data } = input;
  return new Promise((resolve, reject) => {
    const worker = new Worker(threadFile, { workerData: data });
    const abort = () => {
      void worker.terminate();
      reject(new Error('parse cancelled'));
    };
    signal?.addEventListener('abort', abort, { once: true });
    worker.on('message', (m: { type: string; rowsRead?: number; result?: ParseResult; message?: string }) => {
      if (m.type === 'progress') onProgress?.(m.rowsRead ?? 0);
      else if (m.type === 'done') resolve(m.result!);
      else if (m.type === 'error') reject(new Error(m.message));
    });
    worker.on('error', reject);
    worker.on('exit', (code) => {
      signal?.removeEventListener('abort', abort);
      if (code !== 0) reject(new Error(`parse thread exited with code ${code}`));
    });
  });
}
