// `thongke validate <file>…`: the same checks as ingest, as a dry run — nothing is stored. Prints,
// per file, the form recognised, the counts, and every finding with its sheet, row and column.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { parseWorkbook } from '../workflows/ingest/parse-workbook.js';
import { expandBundle, isBundle } from '../workflows/ingest/bundle.js';
import { quotedString } from '../warehouse/sql.js';
import { formatInt } from '../dashboards/format.js';
import { expandInputs } from './inputs.js';

export async function validateCommand(args: string[]): Promise<number> {
  if (!args.length) {
    process.stderr.write('thongke validate: hãy chỉ ra tệp cần kiểm tra\n');
    return 2;
  }
  const home = await mkdtemp(join(tmpdir(), 'thongke-validate-'));
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  let errors = 0;
  try {
    const queue: { path: string; name: string }[] = expandInputs(args).map((p) => ({ path: p, name: basename(p) }));
    for (let i = 0; i < queue.length; i++) {
      const { path, name } = queue[i]!;
      if (await isBundle(path)) {
        const b = await expandBundle(path, home, name);
        console.log(`${name}: gói nén — ${b.members.length} tệp Excel, ${b.problems.length} tệp bị từ chối`);
        for (const p of b.problems) console.log(`  ✗ ${p.name}: ${p.reason}`);
        errors += b.problems.length;
        queue.push(...b.members.map((m) => ({ path: m.path, name: m.name })));
        continue;
      }
      const r = await parseWorkbook({ home, path, fileName: name, sha256: String(i).padStart(64, '0'), rawPath: path });
      console.log(`${name}: ${r.form ? `mẫu ${r.form} (${r.formVersion}), kỳ ${r.period}, đơn vị ${r.schoolCode ?? '–'}` : 'không nhận ra'} — đọc ${formatInt(r.rowsRead)} dòng, nhận ${formatInt(r.rowsAccepted)}, từ chối ${formatInt(r.rowsRejected)}, bỏ qua ${formatInt(r.rowsIgnored)}`);
      if (r.message) console.log(`  ✗ ${r.message}`);
      if (r.status === 'rejected') errors++;
      if (!r.rejectsPath) continue;
      const findings = (await con.runAndReadAll(`select * from read_parquet(${quotedString(join(home, r.rejectsPath))})`)).getRowObjectsJS();
      for (const f of findings) {
        const where = [f.sheet ? `trang "${String(f.sheet)}"` : '', f.row_number ? `dòng ${String(f.row_number)}` : '', f.column_letter ? `cột ${String(f.column_letter)}${f.column_header ? ` (${String(f.column_header)})` : ''}` : ''].filter(Boolean).join(', ');
        console.log(`  ${f.severity === 'warning' ? '!' : '✗'} ${where}: ${String(f.reason)}`);
        if (f.severity !== 'warning') errors++;
      }
    }
  } finally {
    con.closeSync();
    db.closeSync();
    await rm(home, { recursive: true, force: true });
  }
  console.log(errors ? `${formatInt(errors)} lỗi (✗); cảnh báo (!) không làm từ chối dòng. Không có gì được lưu.` : 'Không có lỗi. Không có gì được lưu.');
  return errors ? 1 : 0;
}
