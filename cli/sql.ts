// `thongke sql`: read-only queries of the warehouse, printed as a table, CSV, JSON or Arrow IPC,
// or written to a file (--out; Parquet only to a file). The warehouse is opened read-only, so a
// query that writes fails. Arrow and Parquet keep the column types (numbers stay numbers).
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import type { Writable } from 'node:stream';
import { Bool, DateDay, Float64, Int32, Int64, Table, Utf8, tableToIPC, vectorFromArray, type DataType, type Vector } from 'apache-arrow';
import { DuckDBTypeId, type DuckDBResultReader } from '@duckdb/node-api';
import { withWarehouse } from '../warehouse/db.js';
import { thongkeHome, warehousePath } from '../warehouse/home.js';
import { quotedString } from '../warehouse/sql.js';
import { csvCell } from '../forms/csv.js';

export const FORMATS = ['table', 'csv', 'json', 'arrow', 'parquet'] as const;
export type Format = (typeof FORMATS)[number];

export function toCsv(columns: string[], rows: Record<string, unknown>[]): string {
  return [columns.map(csvCell).join(','), ...rows.map((r) => columns.map((c) => csvCell(r[c])).join(','))].join('\n') + '\n';
}

export function toTable(columns: string[], rows: Record<string, unknown>[]): string {
  const cells = rows.map((r) => columns.map((c) => (r[c] === null || r[c] === undefined ? 'NULL' : typeof r[c] === 'object' ? JSON.stringify(r[c]) : String(r[c]))));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join(' │ ');
  return [line(columns), widths.map((w) => '─'.repeat(w)).join('─┼─'), ...cells.map(line), `(${rows.length} dòng)`].join('\n') + '\n';
}

/** An Arrow column of the DuckDB column's type; types without a plain Arrow match travel as their JSON text. */
function arrowColumn(typeId: DuckDBTypeId, js: unknown[], json: unknown[]): Vector {
  const as = <T extends DataType>(values: unknown[], type: T) => vectorFromArray(values, type) as Vector;
  switch (typeId) {
    case DuckDBTypeId.BOOLEAN: return as(js, new Bool());
    case DuckDBTypeId.TINYINT: case DuckDBTypeId.SMALLINT: case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.UTINYINT: case DuckDBTypeId.USMALLINT: return as(js, new Int32());
    case DuckDBTypeId.BIGINT: case DuckDBTypeId.UINTEGER: return as(js.map((v) => (v === null ? null : BigInt(v as number | bigint))), new Int64());
    case DuckDBTypeId.FLOAT: case DuckDBTypeId.DOUBLE: case DuckDBTypeId.DECIMAL: return as(js.map((v) => (v === null ? null : Number(v))), new Float64());
    case DuckDBTypeId.VARCHAR: return as(js, new Utf8());
    case DuckDBTypeId.DATE: return as(js, new DateDay());
    default: return as(json.map((v) => (v === null ? null : typeof v === 'string' ? v : JSON.stringify(v))), new Utf8());
  }
}

export function toArrow(reader: DuckDBResultReader): Uint8Array {
  const names = reader.columnNames();
  const types = reader.columnTypes();
  const js = reader.getColumnsJS();
  const json = reader.getColumnsJson();
  const columns: Record<string, Vector> = {};
  names.forEach((n, i) => (columns[n] = arrowColumn(types[i]!.typeId, js[i] ?? [], json[i] ?? [])));
  return tableToIPC(new Table(columns), 'stream');
}

export async function runSql(dbPath: string, query: string, format: Format, out: Writable, outFile?: string): Promise<void> {
  await withWarehouse(dbPath, async (wh) => {
    if (format === 'parquet') {
      if (!outFile) throw new Error('--format parquet cần --out <tệp.parquet>');
      await wh.run(`copy (${query.trim().replace(/;\s*$/, '')}) to ${quotedString(outFile)} (format parquet, compression zstd)`);
      return;
    }
    const reader = await wh.connection.runAndReadAll(query);
    const columns = reader.columnNames();
    if (format === 'arrow') return void out.write(toArrow(reader));
    const rows = reader.getRowObjectsJson() as Record<string, unknown>[];
    if (format === 'json') out.write(JSON.stringify(rows) + '\n');
    else if (format === 'csv') out.write(toCsv(columns, rows));
    else out.write(toTable(columns, rows));
  }, { readOnly: true });
}

export async function sqlCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { format: { type: 'string', default: 'table' }, out: { type: 'string' } } });
  const format = values.format as Format;
  if (!FORMATS.includes(format)) {
    process.stderr.write(`thongke sql: --format phải là một trong ${FORMATS.join(', ')}\n`);
    return 2;
  }
  if (positionals.length !== 1) {
    process.stderr.write('thongke sql: cần đúng một câu truy vấn, trong dấu ngoặc kép\n');
    return 2;
  }
  if (format === 'parquet' && !values.out) {
    process.stderr.write('thongke sql: --format parquet cần --out <tệp.parquet>\n');
    return 2;
  }
  const file = values.out && format !== 'parquet' ? createWriteStream(values.out) : undefined;
  await runSql(warehousePath(thongkeHome()), positionals[0]!, format, file ?? process.stdout, values.out);
  if (file) {
    file.end();
    await once(file, 'finish');
  }
  return 0;
}
