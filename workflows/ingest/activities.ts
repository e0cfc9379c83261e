// Ingest activities. parseFiles runs on task queue `ingest` (any number of workers, any machine);
// loadFiles and transform run on task queue `warehouse` (one worker, the only DuckDB writer).
// parseFile and loadFile are one file of each (the tests and the bench call them).
import { Context } from '@temporalio/activity';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { setMaxListeners } from 'node:events';
import { lake, sha256File, storeRaw, tempBeside } from '../../warehouse/lake.js';
import { expandBundle, isBundle } from './bundle.js';
import { thongkeHome, warehousePath } from '../../warehouse/home.js';
import { withWarehouse } from '../../warehouse/db.js';
import { loadParsedFiles } from '../../warehouse/loader.js';
import { runTransforms } from '../../transforms/runner.js';
import { runWarehouseRules } from '../../warehouse/rules.js';
import { PARSER_VERSION } from './parse-workbook.js';
import { writeFindings } from './lake-writer.js';
import { parseInThread } from './parse-in-thread.js';
import { periodLockStatuses } from '../periods/activities.js';
import type { FileSummary, ParseFileInput, ParseResult } from './types.js';

/** Heartbeat on a timer while `work` runs, so a dead worker is noticed within the heartbeat timeout. */
async function heartbeating<T>(work: Promise<T>, details: () => unknown): Promise<T> {
  const timer = setInterval(() => Context.current().heartbeat(details()), 1000);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}

const manifestPath = (sha256: string) => join('lake', 'manifests', `${sha256}.json`);

export async function parseFile(input: ParseFileInput): Promise<ParseResult> {
  const home = thongkeHome();
  const fileName = input.displayName ?? basename(input.path);
  const sha256 = await sha256File(input.path);
  const manifest = join(home, manifestPath(sha256));
  // the same content was parsed before (an earlier batch, or an attempt that died after writing)
  const cached = await readFile(manifest, 'utf8').then((s) => JSON.parse(s) as ParseResult, () => undefined);
  if (cached && cached.parserVersion === PARSER_VERSION) return { ...cached, fileName };

  const rawPath = await storeRaw(home, input.path, sha256);
  let rowsRead = 0;
  const result = await heartbeating(
    (await isBundle(join(home, rawPath)))
      ? parseBundle(home, join(home, rawPath), fileName, sha256, rawPath)
      : parseInThread(
        { home, path: join(home, rawPath), fileName, sha256, rawPath, onProgress: (n) => (rowsRead = n) },
        Context.current().cancellationSignal,
      ),
    () => ({ rowsRead }),
  );
  await mkdir(dirname(manifest), { recursive: true });
  const tmp = tempBeside(manifest);
  await writeFile(tmp, JSON.stringify(result));
  await rename(tmp, manifest);
  return result;
}

/** A zip bundle: its members go to the lake; refused members are its rejected rows. */
async function parseBundle(home: string, path: string, fileName: string, sha256: string, rawPath: string): Promise<ParseResult> {
  const b = await expandBundle(path, home, fileName);
  const rejectsPath = lake.rejects('bundle', 'bundle', sha256);
  await writeFindings(join(home, rejectsPath), { sha256, fileName }, b.problems.map((p) => ({
    severity: 'error', code: 'bundle_member', sheet: p.name, row: null, column: null, header: null, value: null, reason: `Tệp nén ${fileName}: "${p.name}" ${p.reason}.`,
  })));
  return {
    parserVersion: PARSER_VERSION,
    fileName,
    sha256,
    rawPath,
    status: 'bundle',
    message: b.problems.length ? `Tệp nén ${fileName}: ${b.members.length} tệp Excel được nạp, ${b.problems.length} tệp bị từ chối.`
      : b.members.length ? null : `Tệp nén ${fileName}: không có tệp Excel nào để nạp.`,
    form: null,
    formVersion: null,
    period: null,
    schoolCode: null,
    rowsRead: b.members.length + b.problems.length + b.ignored,
    rowsAccepted: b.members.length,
    rowsRejected: b.problems.length,
    rowsIgnored: b.ignored,
    stagingPath: null,
    rejectsPath,
    members: b.members.map((m) => ({ name: m.name, path: m.path })),
  };
}

export async function loadFile(parsed: ParseResult): Promise<FileSummary> {
  const [summary] = await loadFiles([parsed]);
  return summary!;
}

/** A task of files (ingestBatch): parsed at once, as many at a time as the parse threads allow. */
export async function parseFiles(inputs: ParseFileInput[]): Promise<ParseResult[]> {
  // each parse listens for the activity's cancellation
  setMaxListeners(10 + inputs.length, Context.current().cancellationSignal);
  let done = 0;
  return heartbeating(Promise.all(inputs.map((input) => parseFile(input).then((r) => (done++, r)))), () => ({ done }));
}

/**
 * A task of parsed files loaded in their order, in one transaction (warehouse/loader.ts). A file
 * for a unit whose data is locked in a reporting period is refused first (kept in the lake, the
 * reason in ops.files).
 */
export async function loadFiles(parsed: ParseResult[]): Promise<FileSummary[]> {
  const home = thongkeHome();
  const work = async () => {
    const checked = parsed.filter((p) => p.status === 'parsed' && p.form && p.period && p.schoolCode);
    const locks = await periodLockStatuses(checked.map((p) => ({ form: p.form!, schoolYear: p.period!, schoolCode: p.schoolCode! })));
    const lockOf = new Map(checked.map((p, i) => [p, locks[i]]));
    const ps = parsed.map((p) => {
      const lock = lockOf.get(p);
      return !lock ? p : {
        ...p, status: 'rejected' as const, message: `Tệp ${p.fileName}: ${lock.reason ?? `dữ liệu của đơn vị đã khoá trong kỳ ${lock.period}`}`,
        rowsAccepted: 0, rowsRejected: p.rowsRead - p.rowsIgnored,
      };
    });
    return withWarehouse(warehousePath(home), (wh) => loadParsedFiles(wh, home, ps));
  };
  return heartbeating(work(), () => `${parsed.length} tệp`);
}

export async function transform(): Promise<string> {
  const home = thongkeHome();
  // the warehouse-scope validation rules (forms/rules) see the whole batch, before the transforms
  const run = await heartbeating(withWarehouse(warehousePath(home), async (wh) => {
    // the batch's rows from the WAL into the file first, then the marts (warehouse/db.ts:
    // checkpoints wait for these or for a gigabyte of WAL); on the province set the two took
    // 3.0 + 1.6 s, one at the end 6.7 s
    await wh.run('checkpoint');
    await runWarehouseRules(wh, home);
    const out = await runTransforms(wh);
    await wh.run('checkpoint');
    return out;
  }), () => 'transform');
  return run.runId;
}
