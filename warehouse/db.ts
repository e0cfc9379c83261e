// DuckDB access. One process writes (the `warehouse` worker); it opens the file per activity and
// closes it after, so readers (`thongke sql`, publish) can open it read-only in between.
// DuckDB takes a file lock per process: an open that meets a held lock is retried for a while.
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

export async function openWarehouse(path: string, opts: OpenOptions = {}): Promise<Warehouse> {
  const deadline = Date.now() + (opts.waitForLockMs ?? 30_000);
  if (!opts.readOnly) mkdirSync(dirname(path), { recursive: true });
  let instance: DuckDBInstance;
  for (;;) {
    try {
      instance = await DuckDBInstance.create(path, opts.readOnly ? { access_mode: 'READ_ONLY' } : {});
      break;
    } catch (e) {
      if (!isLockError(e) || Date.now() > deadline) throw e;
      await sleep(100 + Math.random() * 200);
    }
  }
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
      instance.closeSync();
    },
  };
  // migrations and raw tables once per file per process (a load opens the file every time)
  if (!opts.readOnly && !prepared.has(path)) {
    await migrate(wh);
    await ensureRawTables(wh);
    prepared.add(path);
  }
  return wh;
}

/** Open, run fn, always close. */
export async function withWarehouse<T>(path: string, fn: (wh: Warehouse) => Promise<T>, opts: OpenOptions = {}): Promise<T> {
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
