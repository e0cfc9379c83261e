// Real parts for integration tests: a Temporal dev server on a free port with its own database
// file, a fresh THONGKE_HOME, and `thongke` child processes.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { dist } from './dist.js';

export const root = resolve(import.meta.dirname, '..', '..');
export const thongkeBin = join(root, 'bin', 'thongke.mjs');

export function tempHome(prefix = 'thongke-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Read-only queries on the warehouse of `home`, rows as JSON-safe objects. */
export function warehouseQuery(home: string): <T>(sql: string) => Promise<T[]> {
  return async <T>(sql: string): Promise<T[]> => {
    const { withWarehouse } = await dist.db();
    return await withWarehouse(join(home, 'warehouse.duckdb'), (wh) => wh.rowsJson(sql), { readOnly: true }) as T[];
  };
}

/** A dev server on a free port with its own database file (startDevServer tries again when it exits at start). */
export async function startServer(home: string) {
  const { startDevServer } = await dist.devServer();
  return await startDevServer({ home, port: 'free' });
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run `thongke …` to completion. */
export function thongke(args: string[], env: Record<string, string>): Promise<RunResult> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [thongkeBin, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', rej);
    child.on('exit', (code) => res({ code, stdout, stderr }));
  });
}

/** Start `thongke worker` as its own process (so a test can kill -9 it). */
export function spawnWorker(env: Record<string, string>, queues?: string): ChildProcess {
  const args = [thongkeBin, 'worker', ...(queues ? ['--queues', queues] : [])];
  return spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
}

export function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  return new Promise((res) => {
    if (child.exitCode !== null || child.signalCode !== null) return res();
    child.once('exit', () => res());
    child.kill(signal);
  });
}

/** A dev server, the workers (in this process) and a client: what an ingest test runs against. */
export async function startIngestStack(home: string) {
  const server = await startServer(home);
  const workers = await (await dist.worker()).startWorkers({ address: server.address });
  const client = await (await dist.client()).connectClient(server.address);
  return {
    server,
    workers,
    client,
    async stop() {
      workers.shutdown();
      await workers.done;
      await client.connection.close();
      await server.stop();
    },
  };
}
