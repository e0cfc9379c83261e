// DuckDB access. One process writes (the `warehouse` worker). It keeps the file open while its
// activities come one after another and closes it after a short idle spell (keepWarehouseOpen),
// so readers in other processes (`thongke sql`, publish) can open it read-only between batches:
// opening and checkpointing a warehouse costs more than loading a school's file into it.
// DuckDB takes a file lock per process: an open that meets a held lock is retried for a while.
// Within the process, every user of a kept-open file gets a connection of its own on it.
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { readFileSync, readdirSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureRawTables } from './reference.js';

export interface Warehouse {
  instance: DuckDBInstance;
  connection: DuckDBConnection;
  /** Rows as plain JS objects (BIGINT → bigint, DATE → DuckDBDateValue; use rowsJson for JSON-safe output). */
  rows<T = Record<string, unknown>>(sql: string, params?: DuckDBValue[]): Promise<T[]>;
  rowsJson(sql: string, params?: DuckDBValue[]): Promise<Record<string, unknown>[]>;
  run(sql: string, params?: DuckDBValue[]): Promise<void>;
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  close(): void;
}

export interface OpenOptions {
  readOnly?: boolean;
  /** How long to keep retrying while another process holds the file lock (ms). */
  waitForLockMs?: number;
}

const migrationsDir = fileURLToPath(new URL(import.meta.url.endsWith('/dist/warehouse/db.js') ? '../../warehouse/migrations/' : './migrations/', import.meta.url));

const prepared = new Set<string>();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function isLockError(e: unknown): boolean {
  return /lock|Conflicting/i.test(String((e as Error)?.message ?? e));
}

/**
 * A writer checkpoints when its WAL passes this, not DuckDB's 16 MB: a batch's loads are many
 * small commits, and at 16 MB the province's loads (250 MB of WAL) checkpointed some fifteen
 * times, 14 s of CPU more than one checkpoint at the end (the loads alone: 31 s, then 20 s). The
 * transform activity checkpoints each batch, after its loads and after its marts
 * (workflows/ingest/activities.ts). Until then the rows are safe in the WAL.
 */
const WRITER_CONFIG = { checkpoint_threshold: '1GB' };

async function openInstance(path: string, opts: OpenOptions): Promise<DuckDBInstance> {
  const deadline = Date.now() + (opts.waitForLockMs ?? 30_000);
  if (!opts.readOnly) mkdirSync(dirname(path), { recursive: true });
  for (;;) {
    try {
      return await DuckDBInstance.create(path, opts.readOnly ? { access_mode: 'READ_ONLY' } : WRITER_CONFIG);
    } catch (e) {
      if (!isLockError(e) || Date.now() > deadline) throw e;
      await sleep(100 + Math.random() * 200);
    }
  }
}

export async function openWarehouse(path: string, opts: OpenOptions = {}): Promise<Warehouse> {
  const instance = await openInstance(path, opts);
  const wh = await wrap(instance, () => instance.closeSync());
  await prepare(wh, path, opts);
  return wh;
}

/** Migrations and raw tables once per file per process (a load opens the file every time). */
async function prepare(wh: Warehouse, path: string, opts: OpenOptions): Promise<void> {
  if (!opts.readOnly && !prepared.has(path)) {
    await migrate(wh);
    await ensureRawTables(wh);
    prepared.add(path);
  }
}

/** A Warehouse on a new connection of `instance`; close() closes the connection, then calls `after`. */
async function wrap(instance: DuckDBInstance, after: () => void): Promise<Warehouse> {
  const connection = await instance.connect();
  const wh: Warehouse = {
    instance,
    connection,
    async rows<T>(sql: string, params?: DuckDBValue[]) {
      const r = await connection.runAndReadAll(sql, params);
      return r.getRowObjectsJS() as T[];
    },
    async rowsJson(sql: string, params?: DuckDBValue[]) {
      const r = await connection.runAndReadAll(sql, params);
      return r.getRowObjectsJson() as Record<string, unknown>[];
    },
    async run(sql: string, params?: DuckDBValue[]) {
      await connection.run(sql, params);
    },
    async transaction<T>(fn: () => Promise<T>) {
      await connection.run('begin transaction');
      try {
        const out = await fn();
        await connection.run('commit');
        return out;
      } catch (e) {
        await connection.run('rollback').catch(() => undefined);
        throw e;
      }
    },
    close() {
      connection.closeSync();
      after();
    },
  };
  return wh;
}

/** Files kept open by this process (the warehouse worker), with their users and idle timers. */
const kept = new Map<string, { instance: Promise<DuckDBInstance>; users: number; timer?: NodeJS.Timeout }>();
let keepOpenMs = 0;

/**
 * From now on this process keeps a warehouse file open between uses and closes it after `idleMs`
 * without one (the warehouse worker: a batch's loads come back to back). 0 turns it off.
 */
export function keepWarehouseOpen(idleMs: number): void {
  keepOpenMs = idleMs;
}

/** Close every kept-open file now (a worker shutting down). */
export async function closeKeptWarehouses(): Promise<void> {
  for (const [path, k] of kept) {
    if (k.users > 0) continue;
    clearTimeout(k.timer);
    kept.delete(path);
    (await k.instance).closeSync();
  }
}

async function withKept<T>(path: string, fn: (wh: Warehouse) => Promise<T>, opts: OpenOptions): Promise<T> {
  let k = kept.get(path);
  if (!k) {
    k = { instance: openInstance(path, { ...opts, readOnly: false }), users: 0 };
    kept.set(path, k);
    k.instance.catch(() => kept.delete(path));
  }
  k.users++;
  clearTimeout(k.timer);
  const entry = k;
  try {
    const wh = await wrap(await entry.instance, () => undefined);
    try {
      await prepare(wh, path, { readOnly: false });
      return await fn(wh);
    } finally {
      wh.close();
    }
  } finally {
    entry.users--;
    if (entry.users === 0) {
      entry.timer = setTimeout(() => {
        if (entry.users > 0 || kept.get(path) !== entry) return;
        kept.delete(path);
        void entry.instance.then((i) => i.closeSync());
      }, keepOpenMs);
      entry.timer.unref();
    }
  }
}

/** Open, run fn, always close (or, in a process that keeps its warehouse open, use the open file). */
export async function withWarehouse<T>(path: string, fn: (wh: Warehouse) => Promise<T>, opts: OpenOptions = {}): Promise<T> {
  if (kept.has(path) || (keepOpenMs > 0 && !opts.readOnly)) return withKept(path, fn, opts);
  const wh = await openWarehouse(path, opts);
  try {
    return await fn(wh);
  } finally {
    wh.close();
  }
}

/** Apply warehouse/migrations/NNN_*.sql once each, in order. */
export async function migrate(wh: Warehouse): Promise<void> {
  await wh.run('create schema if not exists ops; create table if not exists ops.schema_migrations (version varchar primary key, applied_at timestamptz default current_timestamp)');
  const applied = new Set((await wh.rows<{ version: string }>('select version from ops.schema_migrations')).map((r) => r.version));
  for (const file of readdirSync(migrationsDir).filter((f) => f.endsWith('.sql')).sort()) {
    if (applied.has(file)) continue;
    await wh.transaction(async () => {
      await wh.run(readFileSync(join(migrationsDir, file), 'utf8'));
      await wh.run('insert into ops.schema_migrations (version) values ($1)', [file]);
    });
  }
}
