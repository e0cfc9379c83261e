// The whole province period end to end, and the cost of Temporal itself:
//   node bench/province/run.mjs SET_DIR [--work DIR] [--mode both|temporal|direct]
// SET_DIR: a synthetic province set (`thongke fixtures --scale province --seed 1 --out SET_DIR`).
// temporal: a fresh THONGKE_HOME, a Temporal dev server (the CLI found by scripts/setup.mjs) and
//   the workers in this process (queues ingest + warehouse, as `thongke worker` runs them), then
//   one ingestBatch of every file of the set with the transforms at its end — what `thongke ingest
//   SET_DIR` does. Timed from the workflow start to its result.
// direct: another fresh home, the same activity functions (parseFiles, loadFiles, transform)
//   called in this process through the SDK's MockActivityEnvironment, no server and no worker, in
//   the order the workflow uses (the same tasks of files; as many parse tasks at once as the
//   worker's parse slots; loads one task at a time in order; bundle members appended; the
//   transforms once), with the warehouse kept open as the warehouse worker keeps it.
// Both end with the same warehouse: the script checks ops.files and every mart have the same rows,
// and compares each warehouse's findings, pupil mart and network report with the set's answer key
// (fixtures/key-check.ts).
// Prints one JSON line per mode and a markdown table. Needs dist/ (`node scripts/setup.mjs`).
import { rmSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { setInterval, clearInterval } from 'node:timers';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { work: { type: 'string' }, mode: { type: 'string', default: 'both' } } });
const setDir = resolve(positionals[0] ?? '/tmp/bench/province-a');
const work = resolve(values.work ?? join(tmpdir(), 'thongke-bench-province'));
const modes = values.mode === 'both' ? ['direct', 'temporal'] : [values.mode];
const dist = (p) => import(new URL(`../../dist/${p}`, import.meta.url).href);

const { expandInputs } = await dist('cli/inputs.js');
const activities = await dist('workflows/ingest/activities.js');
const { PARSE_THREADS } = await dist('workflows/ingest/parse-in-thread.js');
const { withWarehouse, keepWarehouseOpen, closeKeptWarehouses } = await dist('warehouse/db.js');
const { WAREHOUSE_IDLE_CLOSE_MS } = await dist('workflows/worker.js');
const { filesPerTask } = await dist('workflows/ingest/tasks.js');
const { compareWithKey, compareFilesWithKey, compareMartsWithKey, compareAllMartsWithKey, compareOfficialFormsWithKey, STORED_FINDINGS_SQL } = await dist('fixtures/key-check.js');
const { MockActivityEnvironment } = await import('@temporalio/testing');

const files = expandInputs([setDir]);

function freshHome(mode) {
  const home = join(work, mode);
  rmSync(home, { recursive: true, force: true });
  mkdirSync(home, { recursive: true });
  process.env.THONGKE_HOME = home;
  return home;
}

/** Seconds spent in each activity kind in the direct run (parse summed over the lanes). */
const phases = { parseFiles: 0, loadFiles: 0, transform: 0 };

/** The workflow's order without Temporal: tasks of files, parse lanes ahead, loads one task at a time in order. */
async function direct() {
  // the warehouse file kept open between activities, as the warehouse worker keeps it
  keepWarehouseOpen(WAREHOUSE_IDLE_CLOSE_MS);
  const run = async (fn, ...args) => {
    const t = performance.now();
    try {
      return await new MockActivityEnvironment().run(fn, ...args);
    } finally {
      phases[fn.name] = (phases[fn.name] ?? 0) + (performance.now() - t) / 1000;
    }
  };
  const size = filesPerTask(files.length);
  const queue = files.map((path) => ({ path }));
  const tasks = [];
  let cut = 0;
  const cutTasks = () => {
    for (; cut < queue.length; cut = Math.min(cut + size, queue.length)) tasks.push(queue.slice(cut, cut + size));
  };
  cutTasks();
  // one promise per task, made when the task is cut, settled when its parse ends (as the workflow's slots)
  const parsed = [];
  const settle = [];
  const slots = () => {
    for (let i = parsed.length; i < tasks.length; i++) {
      parsed[i] = new Promise((resolve, reject) => (settle[i] = { resolve, reject }));
      parsed[i].catch(() => undefined);
    }
  };
  slots();
  let next = 0;
  const wake = [];
  let loading = true;
  const lane = async () => {
    for (;;) {
      if (next >= tasks.length) {
        if (!loading) return;
        await new Promise((r) => wake.push(r));
        continue;
      }
      const i = next++;
      await run(activities.parseFiles, tasks[i]).then(settle[i].resolve, settle[i].reject);
    }
  };
  const loadAll = async () => {
    try {
      for (let i = 0; i < tasks.length; i++) {
        const ps = await parsed[i];
        await run(activities.loadFiles, ps);
        for (const m of ps.flatMap((p) => p.members ?? [])) queue.push({ path: m.path, displayName: m.name });
        cutTasks();
        slots();
        wake.splice(0).forEach((r) => r());
      }
    } finally {
      loading = false;
      wake.splice(0).forEach((r) => r());
    }
  };
  // the pool's threads are unref'd (in a worker the Temporal worker keeps the loop alive)
  const keepAlive = setInterval(() => {}, 1 << 30);
  try {
    await Promise.all([loadAll(), ...Array.from({ length: PARSE_THREADS }, lane)]);
    await run(activities.transform);
  } finally {
    clearInterval(keepAlive);
    await closeKeptWarehouses();
    keepWarehouseOpen(0);
  }
}

async function temporal(home) {
  const { startDevServer } = await dist('cli/dev-server.js');
  const { startWorkers } = await dist('workflows/worker.js');
  const { connectClient, runIngestBatch } = await dist('workflows/client.js');
  const server = await startDevServer({ home, port: 'free', startTimeoutMs: 60_000 });
  const workers = await startWorkers({ address: server.address, queues: ['ingest', 'warehouse'] });
  try {
    const client = await connectClient(server.address);
    const t = performance.now();
    const r = await runIngestBatch(client, { files, transform: true });
    return { results: r.files, seconds: (performance.now() - t) / 1000 };
  } finally {
    workers.shutdown();
    await workers.done;
    await server.stop();
  }
}

/** What both runs must agree on: every file's outcome and counts, and every mart's rows. */
async function snapshot(home) {
  return withWarehouse(join(home, 'warehouse.duckdb'), async (wh) => {
    const out = {};
    out.files = await wh.rowsJson(`select file_name, file_sha256, form, period, school_code, status, is_current, rows_read, rows_accepted, rows_rejected, rows_ignored
      from ops.files order by all`);
    out.rejects = (await wh.rowsJson('select count(*)::integer as n from ops.rejects'))[0].n;
    const marts = await wh.rowsJson(`select table_name from information_schema.tables where table_schema = 'marts' order by 1`);
    for (const { table_name: t } of marts) {
      out[t] = (await wh.rowsJson(`select count(*)::integer as n, md5(string_agg(r::varchar, '|' order by r::varchar)) as h from (select * from marts."${t}") as r`))[0];
    }
    const [tr] = await wh.rowsJson(`select round(epoch(max(finished_at)) - epoch(min(started_at)), 2) as seconds from ops.transform_runs
      where run_id = (select run_id from ops.transform_runs order by started_at desc limit 1)`);
    const [rows] = await wh.rowsJson(`select count(*)::integer as files, sum(rows_read)::integer as rows_read, sum(rows_accepted)::integer as rows_accepted from ops.files where status <> 'bundle'`);
    return { out, transformSeconds: tr?.seconds ?? null, ...rows };
  }, { readOnly: true });
}

/** The set's answer key against what ingest reported (fixtures/key-check.ts), and every file's counts against the key. */
async function keyCheck(home) {
  const [findings, files] = await withWarehouse(join(home, 'warehouse.duckdb'), async (wh) => [await wh.rowsJson(STORED_FINDINGS_SQL),
    await wh.rowsJson('select file_sha256, file_name, status, rows_read, rows_accepted, rows_rejected, rows_ignored from ops.files')], { readOnly: true });
  const c = compareWithKey(setDir, findings);
  // counts per file and which files count (exactly one current per form, year and school stated)
  const fileMismatches = compareFilesWithKey(setDir, files);
  return { expected: c.expected, missing: c.missing.length, unexpected: c.unexpected.length, examples: [...c.missing, ...c.unexpected].slice(0, 5), other: c.other,
    fileMismatches: fileMismatches.length, fileExamples: fileMismatches.slice(0, 3) };
}

/** Every mart and the official forms against the key, row for row (fixtures/key-check.ts). */
async function martCheck(home) {
  const c = await withWarehouse(join(home, 'warehouse.duckdb'), async (wh) => {
    const query = (sql) => wh.rowsJson(sql);
    const all = await compareAllMartsWithKey(setDir, query);
    return { ...(await compareMartsWithKey(setDir, query)), unitMeasures: { ...all.unitMeasures, measures: all.measures.length, excludedSchools: all.excludedSchools },
      indicators: all.indicators, computerRatios: all.computerRatios, programmeDevices: all.programmeDevices, vaccinationCoverage: all.vaccinationCoverage,
      officialForms: await compareOfficialFormsWithKey(setDir, query) };
  }, { readOnly: true });
  return Object.fromEntries(Object.entries(c).map(([mart, { differences, ...m }]) => [mart, { ...m, differences: differences.length, examples: differences.slice(0, 3) }]));
}

const report = {};
for (const mode of modes) {
  const home = freshHome(mode);
  const t = performance.now();
  let seconds;
  if (mode === 'direct') {
    await direct();
    seconds = (performance.now() - t) / 1000;
  } else {
    seconds = (await temporal(home)).seconds;
  }
  const snap = await snapshot(home);
  report[mode] = { seconds, snap };
  const activitySeconds = mode === 'direct' ? Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, Number(v.toFixed(2))])) : undefined;
  console.log(JSON.stringify({ mode, seconds: Number(seconds.toFixed(2)), files: snap.files, rows_read: snap.rows_read, rows_accepted: snap.rows_accepted, transform_seconds: snap.transformSeconds, activity_seconds: activitySeconds }));
  console.log(`answer key (${mode}): ${JSON.stringify(await keyCheck(home))}`);
  console.log(`marts against the key (${mode}): ${JSON.stringify(await martCheck(home))}`);
}

if (report.direct && report.temporal) {
  const a = JSON.stringify(report.direct.snap.out);
  const b = JSON.stringify(report.temporal.snap.out);
  const same = a === b;
  console.log(`\nwarehouses identical (ops.files rows and counts, ops.rejects count, every mart's rows): ${same ? 'yes' : 'NO'}`);
  const d = report.direct.seconds;
  const tt = report.temporal.seconds;
  console.log(`\n| run | wall (s) | rows/s | transforms (s) |\n|---|---:|---:|---:|`);
  for (const [m, r] of Object.entries(report)) console.log(`| ${m} | ${r.seconds.toFixed(1)} | ${Math.round(r.snap.rows_read / r.seconds).toLocaleString('en-US')} | ${r.snap.transformSeconds} |`);
  console.log(`\nTemporal's cost: ${(((tt - d) / d) * 100).toFixed(1)}% (${(tt - d).toFixed(1)} s over ${report.temporal.snap.files} files)`);
  if (!same) process.exitCode = 1;
}
process.exit(process.exitCode ?? 0);
