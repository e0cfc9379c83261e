// Hand-made raw rows for transform tests: files as ingest leaves them (ops.files current and
// loaded, their rows in raw.<form>), so that runTransforms computes the whole chain from them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openWarehouse, type Warehouse } from '../../warehouse/db.js';
import { runTransforms } from '../../transforms/runner.js';
import { qualified, quotedIdentifier } from '../../warehouse/sql.js';

type Record_ = Record<string, string | null>;

export class RawRows {
  private seq = 0;
  private readonly rows: Record<string, Record_[]> = {};
  private readonly files: { sha: string; form: string; period: string; school: string | null }[] = [];

  /** A unique code with a prefix (pupil codes and the like). */
  next(prefix: string): string {
    return `${prefix}${++this.seq}`;
  }

  /** One file of `form` for `period`: a school's list (its code in the title block) or a Sở list (school null). */
  file(form: string, period: string, school: string | null, records: Record_[]): void {
    const sha = `sha-${++this.seq}`;
    this.files.push({ sha, form, period, school });
    const meta: Record<string, string> = school ? { school_code: school, school_year: period } : { school_year: period, province_code: '25' };
    (this.rows[form] ??= []).push(...records.map((r, i) => ({ file_sha256: sha, sheet: 'Sheet1', row_number: String(8 + i), ...meta, ...r })));
  }

  async load(wh: Warehouse): Promise<void> {
    for (const [i, f] of this.files.entries()) {
      await wh.run(`insert into ops.files (file_sha256, file_name, form, form_version, period, school_code, status, is_current, rows_read, rows_accepted, rows_rejected, rows_ignored, raw_path, load_seq)
        values ($1, $2, $3, '1', $4, $5, 'loaded', true, 0, 0, 0, 0, '', $6)`, [f.sha, `${f.sha}.xlsx`, f.form, f.period, f.school, i + 1]);
    }
    for (const [form, list] of Object.entries(this.rows)) {
      for (const r of list) {
        const cols = Object.keys(r);
        await wh.run(`insert into ${qualified('raw', form)} (${cols.map(quotedIdentifier).join(', ')}) values (${cols.map((_, i) => `$${i + 1}`).join(', ')})`, Object.values(r));
      }
    }
  }

  /** A fresh warehouse file holding these rows, with the whole SQL chain run over them; close() removes it. */
  async transformed(prefix: string): Promise<{ wh: Warehouse; close(): void }> {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    const wh = await openWarehouse(join(dir, 'warehouse.duckdb'));
    await this.load(wh);
    await runTransforms(wh);
    return { wh, close: () => { wh.close(); rmSync(dir, { recursive: true, force: true }); } };
  }
}
