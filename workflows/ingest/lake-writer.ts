// Writing a file's lake files: accepted rows → lake/staging (Parquet, every column text), findings
// (rejected cells, warnings, refused bundle members) → lake/rejects (Parquet), each file written
// beside its target and renamed into place, so a crash leaves no half file. Parquet by
// ./parquet-writer.ts (an in-memory DuckDB with an appender and COPY cost about four times as
// much CPU for a school's list: about 21 ms against 5 ms; bench/README "Ingest parsing").
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { tempBeside } from '../../warehouse/lake.js';
import { parquetFile, type ParquetColumn } from './parquet-writer.js';

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

/** lake/rejects columns, in order. */
const REJECT_COLUMNS: ParquetColumn[] = [
  { name: 'file_sha256', type: 'varchar' }, { name: 'file_name', type: 'varchar' }, { name: 'sheet', type: 'varchar' }, { name: 'row_number', type: 'integer' },
  { name: 'column_letter', type: 'varchar' }, { name: 'column_header', type: 'varchar' }, { name: 'value', type: 'varchar' }, { name: 'reason', type: 'varchar' },
  { name: 'code', type: 'varchar' }, { name: 'severity', type: 'varchar' },
];

/** Write both Parquet files, each atomically; rows keep their order. */
export async function writeLakeFiles(stagingPath: string | null, columns: readonly string[], rows: (string | null)[][], rejectsPath: string, input: LakeFile, rejects: Finding[]): Promise<void> {
  if (stagingPath !== null) await writeAtomically(stagingPath, parquetFile(columns.map((name) => ({ name, type: 'varchar' })), rows));
  await writeAtomically(rejectsPath, parquetFile(REJECT_COLUMNS, rejects.map((r) => [input.sha256, input.fileName, r.sheet, r.row, r.column, r.header, r.value, r.reason, r.code, r.severity])));
}

async function writeAtomically(target: string, bytes: Buffer): Promise<void> {
  mkdirSync(dirname(target), { recursive: true });
  const tmp = tempBeside(target);
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, target);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
