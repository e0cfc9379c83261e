// The Temporal dev server as a child process: `temporal server start-dev` with its SQLite file in
// THONGKE_HOME, so workflow state survives a restart. Stopped with SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, readFileSync, mkdirSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Connection } from '@temporalio/client';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), import.meta.url.includes('/dist/cli/') ? '../..' : '..');

/** TEMPORAL_CLI, else what scripts/setup.mjs found (.tools/temporal-cli.json), else `temporal` on PATH. */
export function temporalCli(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TEMPORAL_CLI) return env.TEMPORAL_CLI;
  const record = join(projectRoot, '.tools', 'temporal-cli.json');
  if (existsSync(record)) {
    const found = JSON.parse(readFileSync(record, 'utf8')) as { bin: string | null };
    if (found.bin) return found.bin;
  }
  return 'temporal';
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => res(port));
    });
  });
}

/** True when a Temporal frontend answers at `address` within `timeoutMs`. */
export async function temporalAnswers(address: string, timeoutMs = 2000): Promise<boolean> {
  try {
    const connection = await Connection.connect({ address, connectTimeout: timeoutMs });
    try {
      await connection.workflowService.getSystemInfo({});
      return true;
    } finally {
      await connection.close();
    }
  } catch {
    return false;
  }
}

/** Why the server stopped, from its log: a Go panic's message and first frames, else the last lines. */
function logTail(path: string, lines = 15): string {
  try {
    const all = readFileSync(path, 'utf8').trimEnd().split('\n');
    let panic = -1;
    all.forEach((l, i) => {
      if (l.startsWith('panic:') || l.startsWith('fatal error:')) panic = i;
    });
    return (panic >= 0 ? all.slice(panic, panic + 6) : all.slice(-lines)).join('\n');
  } catch {
    return '(no log)';
  }
}

export interface DevServer {
  address: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** A server that exits before it answers, tried this many times in all. The CLI picks its other
 * ports (HTTP API, metrics, the services' own) itself, each free when it looked; another process,
 * or another server starting beside it, can take one before it binds ("address already in use"),
 * and a fresh start picks others. */
const START_ATTEMPTS = 3;

class ServerExited extends Error {}

/** Start the dev server on `port` (default 7233), or on a free port picked for each attempt ('free'). */
export async function startDevServer(opts: { home: string; port?: number | 'free'; startTimeoutMs?: number }): Promise<DevServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(opts.home, opts.port === 'free' ? await freePort() : opts.port ?? 7233, opts.startTimeoutMs ?? 60_000);
    } catch (e) {
      if (!(e instanceof ServerExited) || attempt >= START_ATTEMPTS) throw e;
      console.warn(`Temporal dev server did not start (attempt ${attempt} of ${START_ATTEMPTS}), starting it again. ${e.message}`);
    }
  }
}

async function startOnce(home: string, port: number, startTimeoutMs: number): Promise<DevServer> {
  mkdirSync(home, { recursive: true });
  const address = `127.0.0.1:${port}`;
  const logPath = join(home, 'temporal-server.log');
  const log = openSync(logPath, 'a');
  const child = spawn(temporalCli(), [
    'server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(port),
    '--db-filename', join(home, 'temporal.db'), '--log-level', 'warn',
  ], { stdio: ['ignore', log, log] });
  closeSync(log); // the child has its own copy
  let exited: number | null = null;
  child.on('exit', (code) => (exited = code ?? -1));
  child.on('error', () => (exited = -1));
  const deadline = Date.now() + startTimeoutMs;
  while (!(await temporalAnswers(address, 1000))) {
    if (exited !== null) throw new ServerExited(`Temporal dev server exited (code ${exited}); ${logPath} ends:\n${logTail(logPath)}`);
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error(`Temporal dev server did not answer on ${address}; see ${logPath}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    address,
    process: child,
    stop: () =>
      new Promise<void>((res) => {
        if (exited !== null) return res();
        child.once('exit', () => res());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  };
}
