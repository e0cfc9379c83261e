// Writing a file's lake files: accepted rows → lake/staging (Parquet), findings (rejected cells,
// warnings, refused bundle members) → lake/rejects (Parquet), through an in-memory DuckDB, each
// file written beside its target and renamed into place, so a crash leaves no half file.
// One in-memory DuckDB per thread, made on first use: starting one costs 50–150 ms, more than
// parsing a school's list; each file gets its own connection and temporary tables.
import { DuckDBInstance } from '@duckdb/node-api';
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

let shared: Promise<DuckDBInstance> | undefined;

/** Write both Parquet files with an in-memory DuckDB (appender → COPY), each atomically; rows keep their order. */
export async function writeLakeFiles(stagingPath: string | null, columns: readonly string[], rows: (string | null)[][], rejectsPath: string, input: LakeFile, rejects: Finding[]): Promise<void> {
  shared ??= DuckDBInstance.create(':memory:', { threads: '1' });
  const con = await (await shared).connect();
  try {
    await con.run(`create temp table accepted (${(columns.length ? columns : ['none']).map((c) => `"${c}" varchar`).join(', ')})`);
    const app = await con.createAppender('accepted');
    for (const r of rows) {
      for (const v of r) {
        if (v === null) app.appendNull();
        else app.appendVarchar(v);
      }
      app.endRow();
    }
    app.closeSync();
    await con.run(`create temp table rejects (file_sha256 varchar, file_name varchar, sheet varchar, row_number integer, column_letter varchar, column_header varchar, value varchar, reason varchar, code varchar, severity varchar)`);
    const rej = await con.createAppender('rejects');
    for (const r of rejects) {
      rej.appendVarchar(input.sha256);
      rej.appendVarchar(input.fileName);
      if (r.sheet === null) rej.appendNull();
      else rej.appendVarchar(r.sheet);
      if (r.row === null) rej.appendNull();
      else rej.appendInteger(r.row);
      for (const v of [r.column, r.header, r.value]) {
        if (v === null) rej.appendNull();
        else rej.appendVarchar(v);
      }
      rej.appendVarchar(r.reason);
      rej.appendVarchar(r.code);
      rej.appendVarchar(r.severity);
      rej.endRow();
    }
    rej.closeSync();
    // rows keep the order they were read in (sheet by sheet, row by row)
    for (const [table, target] of [['accepted', stagingPath], ['rejects', rejectsPath]] as const) {
      if (target === null) continue;
      await mkdir(dirname(target), { recursive: true });
      const tmp = tempBeside(target);
      try {
        await con.run(`copy ${table} to ${quotedString(tmp)} (format parquet, compression zstd)`);
        await rename(tmp, target);
      } catch (e) {
        await rm(tmp, { force: true });
        throw e;
      }
    }
  } finally {
    try {
      await con.run('drop table if exists accepted; drop table if exists rejects');
    } finally {
      con.closeSync();
    }
  }
}
