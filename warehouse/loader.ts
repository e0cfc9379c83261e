// Load a task of parsed files from the lake into the warehouse, in one transaction: their rows
// into raw.<form>, their rejects into ops.rejects, their records into ops.files, the file-scope
// rules over their rows — one statement per step for all the files, not one per file (a load
// of a school's file was a dozen statements, 57 ms; the province has 2,300 files). Idempotent by
// content hash: a file already loaded changes nothing. A newer file for the same form, period and
// school supersedes the current one (kept, marked), so nothing is counted twice.
import { join } from 'node:path';
import type { Warehouse } from './db.js';
import { qualified, quotedString } from './sql.js';
import { applyFileRules } from './rules.js';
import type { FileSummary, ParseResult } from '../workflows/ingest/types.js';
import { listLayouts } from '../forms/layout.js';

interface FileRow {
  file_name: string;
  form: string | null;
  period: string | null;
  status: FileSummary['status'];
  message: string | null;
  rows_read: number;
  rows_accepted: number;
  rows_rejected: number;
  rows_ignored: number;
}

/** The ops.files columns a summary needs (a load reads its row twice: a select * cost twice as much). */
const SUMMARY_COLUMNS = 'file_name, form, period, status, message, rows_read, rows_accepted, rows_rejected, rows_ignored';

function summary(sha256: string, r: FileRow, status?: FileSummary['status']): FileSummary {
  return {
    file: r.file_name,
    sha256,
    form: r.form,
    period: r.period,
    status: status ?? r.status,
    message: r.message,
    rows_read: Number(r.rows_read),
    rows_accepted: Number(r.rows_accepted),
    rows_rejected: Number(r.rows_rejected),
    rows_ignored: Number(r.rows_ignored),
  };
}

/** Whether a file of this form and version supersedes only files of its own version (forms/layouts `supersedes`). */
function supersedesWithinVersion(form: string, version: string | null): boolean {
  // every layout of the form, not only its base: the results list of TT 58 (grades 8–9 in 2022-23)
  // and of TT 22 (grades 6–7) are two halves of one school's year, not a file and its resubmission
  return listLayouts().some((l) => l.form === form && l.version === version && l.supersedes === 'version');
}

const inList = (values: string[]) => values.map(quotedString).join(', ');

/** The summary columns of ops.files for some files, by hash. */
async function fileRows(wh: Warehouse, shas: string[]): Promise<Map<string, FileRow>> {
  if (!shas.length) return new Map();
  const rows = await wh.rows<FileRow & { file_sha256: string }>(`select file_sha256, ${SUMMARY_COLUMNS} from ops.files where file_sha256 in (${inList(shas)})`);
  return new Map(rows.map((r) => [r.file_sha256, r]));
}

/** The files in their order, as if loaded one after another: a file met before (or twice in the task) is 'unchanged'. */
export async function loadParsedFiles(wh: Warehouse, home: string, ps: ParseResult[]): Promise<FileSummary[]> {
  if (!ps.length) return [];
  // one DuckDB thread: a task is a few thousand rows, and more threads (beside the parse threads
  // on the same cores) only added coordination: on two cores the province's loads took 27 s of
  // CPU on two threads, 22 s on one, in about the same time (bench/README "Province end to end").
  // The setting is the instance's: the warehouse worker runs one activity at a time.
  await wh.run('set threads = 1');
  try {
    return await loadInTransaction(wh, home, ps);
  } finally {
    // (a failed reset leaves the instance on one thread until it is reopened; the load's own
    // result or error is what counts)
    await wh.run('reset threads').catch(() => undefined);
  }
}

function loadInTransaction(wh: Warehouse, home: string, ps: ParseResult[]): Promise<FileSummary[]> {
  return wh.transaction(async () => {
    const shas = [...new Set(ps.map((p) => p.sha256))];
    const before = await fileRows(wh, shas);
    const fresh: ParseResult[] = [];
    const unchanged = new Set<number>();
    const met = new Set(before.keys());
    ps.forEach((p, i) => {
      if (met.has(p.sha256)) {
        unchanged.add(i);
      } else {
        fresh.push(p);
        met.add(p.sha256);
      }
    });

    const staged = fresh.filter((p) => p.status === 'parsed' && p.form && p.stagingPath);
    const parquet = (p: ParseResult) => join(home, p.stagingPath!);
    for (const form of [...new Set(staged.map((p) => p.form!))]) {
      const paths = staged.filter((p) => p.form === form).map((p) => quotedString(parquet(p)));
      await wh.run(`insert into ${qualified('raw', form)} by name select * from read_parquet([${paths.join(', ')}], union_by_name = true)`);
    }
    const rejects = fresh.filter((p) => p.rejectsPath).map((p) => quotedString(join(home, p.rejectsPath!)));
    if (rejects.length) await wh.run(`insert into ops.rejects by name select * from read_parquet([${rejects.join(', ')}], union_by_name = true)`);

    if (fresh.length) {
      // load_seq in the task's order (values taken first: a multi-row insert does not promise its order)
      const seqs = (await wh.rows<{ s: bigint }>(`select nextval('ops.load_seq') as s from range(${fresh.length})`)).map((r) => r.s).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
      const COLS = 17;
      await wh.run(
        `insert into ops.files (file_sha256, file_name, form, form_version, period, school_code, status, is_current, message,
           rows_read, rows_accepted, rows_rejected, rows_ignored, raw_path, staging_path, rejects_path, load_seq)
         values ${fresh.map((_, i) => `(${Array.from({ length: COLS }, (_, k) => `$${i * COLS + k + 1}`).join(', ')})`).join(',\n')}`,
        fresh.flatMap((p, i) => {
          const loaded = p.status === 'parsed';
          const status = p.status === 'bundle' ? 'bundle' : loaded ? 'loaded' : 'rejected';
          return [p.sha256, p.fileName, p.form, p.formVersion, p.period, p.schoolCode, status, loaded, p.message,
            p.rowsRead, p.rowsAccepted, p.rowsRejected, p.rowsIgnored, p.rawPath, p.stagingPath, p.rejectsPath, seqs[i]!];
        }),
      );
    }
    const loaded = fresh.filter((p) => p.status === 'parsed' && p.form);

    // the file-scope validation rules (forms/rules): an error rejects its row here, in this transaction
    const rules = await applyFileRules(wh, home, loaded.map((p) => ({ sha256: p.sha256, form: p.form!, parquet: p.stagingPath ? parquet(p) : undefined })));
    if (rules.rejectedRows.size) {
      const moved = [...rules.rejectedRows];
      await wh.run(
        `update ops.files as f set rows_accepted = f.rows_accepted - x.n, rows_rejected = f.rows_rejected + x.n
         from (values ${moved.map((_, i) => `($${i * 2 + 1}, $${i * 2 + 2}::integer)`).join(', ')}) as x(sha, n) where f.file_sha256 = x.sha`,
        moved.flat(),
      );
    }

    // each file's summary says what its own load did (a later file of the task that supersedes it
    // is that file's doing: the same as when the two fall in different tasks)
    const after = await fileRows(wh, fresh.map((p) => p.sha256));

    // the newest file for the same form (or form version, when the layout says so: forms/layout.ts
    // `supersedes`), period and school is the one that counts
    // (two files for one school in one task end the same way: the later one counts, and says so)
    if (loaded.length) {
      const meeting = new Set((await wh.rows<{ file_sha256: string }>(
        `select distinct f.file_sha256 from ops.files f join ops.files o
           on o.form = f.form and o.period = f.period and o.school_code = f.school_code and o.file_sha256 <> f.file_sha256 and o.is_current
         where f.file_sha256 in (${inList(loaded.map((p) => p.sha256))})`,
      )).map((r) => r.file_sha256));
      // in load order, each superseding only the files loaded before it (as one load after another would)
      for (const p of loaded.filter((x) => meeting.has(x.sha256))) {
        await wh.run(
          `update ops.files set is_current = false, status = 'superseded', superseded_by = $1,
             message = 'Tệp ' || file_name || ': được thay bằng tệp ' || $5 || ' (cùng mẫu ' || form || ', trường ' || school_code || ', năm học ' || period || '); chỉ tệp mới được tính.'
           where form = $2 and period = $3 and school_code = $4 and file_sha256 <> $1 and is_current
             and (not $6 or form_version = $7)
             and load_seq < (select load_seq from ops.files where file_sha256 = $1)`,
          [p.sha256, p.form, p.period, p.schoolCode, p.fileName, supersedesWithinVersion(p.form ?? '', p.formVersion), p.formVersion],
        );
      }
    }
    return ps.map((p, i) => summary(p.sha256, before.get(p.sha256) ?? after.get(p.sha256)!, unchanged.has(i) ? 'unchanged' : undefined));
  });
}
