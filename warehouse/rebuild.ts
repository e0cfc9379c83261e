// Rebuild the warehouse from the lake: drop raw, staging, core and marts; reload the lake rows of
// every current file (ops.files is the record of what was received and which file counts); run
// the transforms. One transaction: readers see the old warehouse or the rebuilt one, never a mix.
// Rows that a file-scope error rule rejected at load are taken out again (their findings are in
// ops.rejects), so the rebuilt raw tables hold exactly what the loads left.
// ops and audit are kept: they are the record, not derived from it.
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import type { Warehouse } from './db.js';
import type { Row } from './schema.js';
import { ensureRawTables } from './reference.js';
import { qualified, quotedString } from './sql.js';
import { runTransforms, type RunOptions, type TransformRun } from '../transforms/runner.js';
import { listRules } from './rules.js';

export const DERIVED_SCHEMAS = ['raw', 'staging', 'core', 'marts'] as const;

export interface RebuildResult {
  run: TransformRun;
  files: number;
  rows: number;
}

export async function rebuildWarehouse(wh: Warehouse, home: string, opts: Omit<RunOptions, 'before'> = {}): Promise<RebuildResult> {
  let files = 0;
  let rows = 0;
  const run = await runTransforms(wh, {
    ...opts,
    before: async () => {
      for (const schema of DERIVED_SCHEMAS) await wh.run(`drop schema if exists ${schema} cascade; create schema ${schema}`);
      await ensureRawTables(wh);
      const current = await wh.rows<Pick<Row<'ops.files'>, 'form' | 'staging_path'> & { form: string; staging_path: string }>(
        `select form, staging_path from ops.files where is_current and staging_path is not null order by load_seq`);
      const missing = current.filter((f) => !existsSync(join(home, f.staging_path)));
      if (missing.length) throw new Error(`Không dựng lại được: thiếu ${missing.length} tệp trong hồ dữ liệu, ví dụ ${missing[0]!.staging_path}`);
      for (const form of [...new Set(current.map((f) => f.form))].sort()) {
        const paths = current.filter((f) => f.form === form).map((f) => quotedString(join(home, f.staging_path)));
        await wh.run(`insert into ${qualified('raw', form)} by name select * from read_parquet([${paths.join(', ')}], union_by_name = true)`);
        files += paths.length;
        // the rows a file-scope error rule took out at load (forms/rules) stay out: the lake's
        // Parquet holds the rows the parser accepted, ops.rejects the rule's findings on them
        const codes = listRules().filter((r) => r.scope === 'file' && r.severity === 'error' && r.forms.includes(form)).map((r) => quotedString(r.code));
        if (codes.length) {
          await wh.run(`delete from ${qualified('raw', form)} as r using ops.rejects as x
            where x.code in (${codes.join(', ')}) and x.file_sha256 = r.file_sha256 and x.sheet = r.sheet and x.row_number = try_cast(r.row_number as integer)`);
        }
      }
      const [n] = await wh.rows<{ n: bigint }>(`select (${[...new Set(current.map((f) => f.form))].map((f) => `(select count(*) from ${qualified('raw', f)})`).join(' + ') || '0'}) as n`);
      rows = Number(n?.n ?? 0);
    },
  });
  return { run, files, rows };
}
