// Load one parsed file from the lake into the warehouse, in one transaction: its rows into
// raw.<form>, its rejects into ops.rejects, its record into ops.files. Idempotent by content
// hash: a file already loaded changes nothing. A newer file for the same form, period and
// school supersedes the current one (kept, marked), so nothing is counted twice.
import { join } from 'node:path';
import type { Warehouse } from './db.js';
import { qualified, quotedString } from './sql.js';
import { applyFileRules } from './rules.js';
import type { FileSummary, ParseResult } from '../workflows/ingest/types.js';
import { listForms } from '../forms/layout.js';

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

function supersedesWithinVersion(form: string, version: string | null): boolean {
  return listForms().some((l) => l.form === form && l.version === version && l.supersedes === 'version');
}

export async function loadParsed(wh: Warehouse, home: string, p: ParseResult): Promise<FileSummary> {
  return wh.transaction(async () => {
    const existing = await wh.rows<FileRow>(`select ${SUMMARY_COLUMNS} from ops.files where file_sha256 = $1`, [p.sha256]);
    if (existing[0]) return summary(p.sha256, existing[0], 'unchanged');

    if (p.status === 'parsed' && p.form && p.stagingPath) {
      const table = qualified('raw', p.form);
      const parquet = quotedString(join(home, p.stagingPath));
      await wh.run(`insert into ${table} by name select * from read_parquet(${parquet})`);
    }
    if (p.rejectsPath) {
      await wh.run(`insert into ops.rejects by name select * from read_parquet(${quotedString(join(home, p.rejectsPath))})`);
    }
    const loaded = p.status === 'parsed';
    const status = p.status === 'bundle' ? 'bundle' : loaded ? 'loaded' : 'rejected';
    await wh.run(
      `insert into ops.files (file_sha256, file_name, form, form_version, period, school_code, status, is_current, message,
         rows_read, rows_accepted, rows_rejected, rows_ignored, raw_path, staging_path, rejects_path, load_seq)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, nextval('ops.load_seq'))`,
      [p.sha256, p.fileName, p.form, p.formVersion, p.period, p.schoolCode, status, loaded, p.message,
        p.rowsRead, p.rowsAccepted, p.rowsRejected, p.rowsIgnored, p.rawPath, p.stagingPath, p.rejectsPath],
    );
    if (loaded && p.form) {
      // the file-scope validation rules (forms/rules): an error rejects its row here, in this transaction
      const rules = await applyFileRules(wh, home, p.sha256, p.form, p.stagingPath ? `read_parquet(${quotedString(join(home, p.stagingPath))})` : undefined);
      if (rules.rejectedRows) {
        await wh.run('update ops.files set rows_accepted = rows_accepted - $2, rows_rejected = rows_rejected + $2 where file_sha256 = $1', [p.sha256, rules.rejectedRows]);
      }
    }
    if (loaded) {
      // the newest file for the same form (or form version, when the layout says so: forms/layout.ts
      // `supersedes`), period and school is the one that counts
      // (two files for one school in one bundle end the same way: the later one counts, and says so)
      await wh.run(
        `update ops.files set is_current = false, status = 'superseded', superseded_by = $1,
           message = 'Tệp ' || file_name || ': được thay bằng tệp ' || $5 || ' (cùng mẫu ' || form || ', trường ' || school_code || ', năm học ' || period || '); chỉ tệp mới được tính.'
         where form = $2 and period = $3 and school_code = $4 and file_sha256 <> $1 and is_current
           and (not $6 or form_version = $7)`,
        [p.sha256, p.form, p.period, p.schoolCode, p.fileName, supersedesWithinVersion(p.form ?? '', p.formVersion), p.formVersion],
      );
    }
    const row = (await wh.rows<FileRow>(`select ${SUMMARY_COLUMNS} from ops.files where file_sha256 = $1`, [p.sha256]))[0]!;
    return summary(p.sha256, row);
  });
}
