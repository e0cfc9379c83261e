// Writing a file's lake files: accepted rows → lake/staging (Parquet), findings (rejected cells,
// warnings, refused bundle members) → lake/rejects (Parquet), through an in-memory DuckDB, each
// file written beside its target and renamed into place, so a crash leaves no half file.
// One in-memory DuckDB per thread with one connection, made on first use and kept: starting one
// costs 50–150 ms, more than parsing a school's list. Files are written one at a time on it, into
// temporary tables kept per column list and emptied after each file (creating and dropping them
// per file was a third of the cost of writing a small list).
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { tempBeside } from '../../warehouse/lake.js';
import { quotedString } from '../../warehouse/sql.js';

/** Findings of a file (rejected cells, warnings, bundle members refused), as lake/rejects Parquet. */
export interface Finding {
  severity: 'error' | 'warning';
  code: string;
  sheet: string | null;
  row: number | null;
  column: string | null;
  header: string | null;
  value: string | null;
  reason: string;
}

export interface LakeFile {
  sha256: string;
  fileName: string;
}

export async function writeFindings(target: string, file: LakeFile, findings: Finding[]): Promise<void> {
  await writeLakeFiles(null, [], [], target, file, findings);
}

/** lake/rejects columns and their types, in order. */
const REJECT_COLUMNS = [['file_sha256', 'varchar'], ['file_name', 'varchar'], ['sheet', 'varchar'], ['row_number', 'integer'], ['column_letter', 'varchar'],
  ['column_header', 'varchar'], ['value', 'varchar'], ['reason', 'varchar'], ['code', 'varchar'], ['severity', 'varchar']] as const;
/** Up to this many findings are written as a VALUES list (no table, no appender); more go through a table. */
const FINDINGS_AS_VALUES = 500;

interface Session {
  con: DuckDBConnection;
  /** temporary table for each list of varchar columns appended */
  tables: Map<string, string>;
}

let session: Promise<Session> | undefined;
/** the writes of this thread, one after another (they share the connection and its tables) */
let queue: Promise<unknown> = Promise.resolve();

function serially<T>(fn: () => Promise<T>): Promise<T> {
  const run = queue.then(fn, fn);
  queue = run.catch(() => undefined);
  return run;
}

async function openSession(): Promise<Session> {
  const db = await DuckDBInstance.create(':memory:', { threads: '1' });
  return { con: await db.connect(), tables: new Map() };
}

/** The temporary table for these varchar columns, made on first use. */
async function tableFor(s: Session, columns: readonly string[]): Promise<string> {
  const key = columns.join('\u0001');
  let name = s.tables.get(key);
  if (!name) {
    name = `t${s.tables.size}`;
    await s.con.run(`create temp table ${name} (${columns.map((c) => `"${c.replace(/"/g, '""')}" varchar`).join(', ')})`);
    s.tables.set(key, name);
  }
  return name;
}

const literal = (v: string | null) => (v === null ? 'null' : quotedString(v));
const hasNul = (v: string | number | null) => typeof v === 'string' && v.includes('\0');

/** Write both Parquet files (appender → COPY), each atomically; rows keep their order. */
export function writeLakeFiles(stagingPath: string | null, columns: readonly string[], rows: (string | null)[][], rejectsPath: string, input: LakeFile, rejects: Finding[]): Promise<void> {
  return serially(async () => {
    const s = await (session ??= openSession());
    if (stagingPath !== null) {
      // a column with one value in every row (the file's hash, its title block: a third of the
      // cells of a list) is a constant of the COPY, not appended row by row
      const constant = columns.map((_, c) => rows.length > 0 && !hasNul(rows[0]![c]!) && rows.every((r) => r[c] === rows[0]![c]));
      const varyingIdx = columns.map((_, c) => c).filter((c) => !constant[c]);
      const varying = varyingIdx.map((c) => columns[c]!);
      const table = await tableFor(s, varying.length ? varying : ['none']);
      try {
        const app = await s.con.createAppender(table);
        for (const r of rows) {
          if (!varyingIdx.length) app.appendNull();
          for (const c of varyingIdx) {
            const v = r[c]!;
            if (v === null) app.appendNull();
            else app.appendVarchar(v);
          }
          app.endRow();
        }
        app.closeSync();
        const select = columns.map((c, i) => (constant[i] ? `${literal(rows[0]![i]!)}::varchar as "${c}"` : `"${c}"`)).join(', ');
        await copyTo(s, `select ${select || '*'} from ${table}`, stagingPath);
      } finally {
        await s.con.run(`truncate ${table}`);
      }
    }
    const findingRow = (r: Finding) => [input.sha256, input.fileName, r.sheet, r.row, r.column, r.header, r.value, r.reason, r.code, r.severity];
    const names = REJECT_COLUMNS.map(([c]) => c).join(', ');
    const typed = REJECT_COLUMNS.map(([c, t]) => `${c}::${t} as ${c}`).join(', ');
    if (rejects.length <= FINDINGS_AS_VALUES && !rejects.some((r) => findingRow(r).some(hasNul))) {
      const values = rejects.length
        ? rejects.map((r) => `(${findingRow(r).map((v) => (typeof v === 'number' ? String(v) : literal(v))).join(', ')})`).join(', ')
        : `(${REJECT_COLUMNS.map(() => 'null').join(', ')})`;
      await copyTo(s, `select ${typed} from (values ${values}) as t (${names})${rejects.length ? '' : ' where false'}`, rejectsPath);
    } else {
      const table = await tableFor(s, REJECT_COLUMNS.map(([c]) => c));
      try {
        const app = await s.con.createAppender(table);
        for (const r of rejects) {
          for (const v of findingRow(r)) {
            if (v === null) app.appendNull();
            else app.appendVarchar(String(v));
          }
          app.endRow();
        }
        app.closeSync();
        await copyTo(s, `select ${typed} from ${table}`, rejectsPath);
      } finally {
        await s.con.run(`truncate ${table}`);
      }
    }
  });
}

/** COPY a query's rows to a Parquet file beside the target, then rename it into place. */
async function copyTo(s: Session, query: string, target: string): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const tmp = tempBeside(target);
  try {
    await s.con.run(`copy (${query}) to ${quotedString(tmp)} (format parquet, compression zstd)`);
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
