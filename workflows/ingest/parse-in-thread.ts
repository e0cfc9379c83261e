// Parses run in a small pool of long-lived worker threads (one per parse slot): starting a thread
// costs more than parsing a school's list (it loads DuckDB, the layouts and the code lists), so
// threads are kept and reused. A cancelled parse terminates its thread; the pool replaces it.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import type { ParseWorkbookInput } from './parse-workbook.js';
import type { ParseResult } from './types.js';

const threadFile = new URL('./parse-thread.js', import.meta.url);

interface Job {
  id: number;
  data: Omit<ParseWorkbookInput, 'onProgress'>;
  onProgress?: (rowsRead: number) => void;
  resolve: (r: ParseResult) => void;
  reject: (e: Error) => void;
  signal?: AbortSignal;
}

interface Slot {
  worker: Worker;
  job: Job | null;
  /** the thread said it listens: a message posted before that can be lost */
  ready: boolean;
}

/** Parse threads per ingest worker: THONGKE_PARSE_THREADS, else the number of cores. The ingest
 * worker takes as many parse tasks at once (workflows/worker.ts), so tasks do not pile up here
 * while another worker is idle. */
export const PARSE_THREADS = Math.max(1, Number(process.env.THONGKE_PARSE_THREADS ?? availableParallelism()));
const size = PARSE_THREADS;
const slots: Slot[] = [];
const waiting: Job[] = [];
let nextId = 1;

function spawn(): Slot {
  const slot: Slot = { worker: new Worker(threadFile), job: null, ready: false };
  slot.worker.on('message', (m: { id: number; type: string; rowsRead?: number; result?: ParseResult; message?: string }) => {
    if (m.type === 'ready') {
      slot.ready = true;
      pump();
      return;
    }
    const job = slot.job;
    if (!job || job.id !== m.id) return;
    if (m.type === 'progress') job.onProgress?.(m.rowsRead ?? 0);
    else {
      slot.job = null;
      if (m.type === 'done') job.resolve(m.result!);
      else job.reject(new Error(m.message));
      pump();
    }
  });
  const fail = (e: Error) => {
    const job = slot.job;
    slots.splice(slots.indexOf(slot), 1);
    job?.reject(e);
    pump();
  };
  slot.worker.on('error', fail);
  slot.worker.on('exit', (code) => {
    if (slots.includes(slot)) fail(new Error(`parse thread exited with code ${code}`));
  });
  // an idle pool does not keep the process alive (after the listeners: adding one refs the port again)
  slot.worker.unref();
  slots.push(slot);
  return slot;
}

function pump(): void {
  // start threads up to the pool size while there is work
  const starting = slots.filter((s) => !s.ready).length;
  for (let i = starting; i < Math.min(waiting.length, size - slots.length + starting) && slots.length < size; i++) spawn();
  while (waiting.length) {
    const free = slots.find((s) => s.ready && !s.job);
    if (!free) {
      if (slots.length < size) spawn();
      return; // a thread getting ready, or all busy: pumped again when one is free
    }
    const job = waiting.shift()!;
    if (job.signal?.aborted) {
      job.reject(new Error('parse cancelled'));
      continue;
    }
    free.job = job;
    free.worker.postMessage({ id: job.id, input: job.data });
    job.signal?.addEventListener('abort', () => {
      if (free.job !== job) return;
      slots.splice(slots.indexOf(free), 1);
      void free.worker.terminate();
      job.reject(new Error('parse cancelled'));
      pump();
    }, { once: true });
  }
}

export function parseInThread(input: ParseWorkbookInput, signal?: AbortSignal): Promise<ParseResult> {
  const { onProgress, ...data } = input;
  return new Promise((resolve, reject) => {
    waiting.push({ id: nextId++, data, onProgress, resolve, reject, signal });
    pump();
  });
}
