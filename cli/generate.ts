// `thongke dictionary` and `thongke gen-types`: write docs/data-dictionary.md and
// warehouse/generated/schema.ts from a freshly built warehouse (warehouse/generate.ts).
// --check writes nothing and fails when the committed file is not what the schema gives.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { DICTIONARY_MD, SCHEMA_TS, generateFromSchema, repoDir, type Generated } from '../warehouse/generate.js';

async function writeOrCheck(args: string[], file: string, pick: (g: Generated) => string, after?: (g: Generated) => void): Promise<number> {
  const { values } = parseArgs({ args, options: { check: { type: 'boolean' } } });
  const g = await generateFromSchema();
  const text = pick(g);
  const name = relative(repoDir, file);
  if (values.check) {
    const same = existsSync(file) && readFileSync(file, 'utf8') === text;
    process.stderr.write(same ? `${name}: đã cập nhật.\n` : `${name}: chưa cập nhật theo lược đồ kho; chạy lại lệnh không có --check.\n`);
    return same ? 0 : 1;
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  process.stderr.write(`Đã viết ${name}.\n`);
  after?.(g);
  return 0;
}

export function dictionaryCommand(args: string[]): Promise<number> {
  return writeOrCheck(args, DICTIONARY_MD, (g) => g.dictionaryMd, (g) => {
    const missing = g.dictionary.filter((r) => r.column_name !== null && !r.description && ['core', 'marts'].includes(r.table_schema));
    if (missing.length) process.stderr.write(`${missing.length} cột của core/marts chưa có mô tả (transforms/dictionary.json hoặc dashboards/registry.json).\n`);
  });
}

export function genTypesCommand(args: string[]): Promise<number> {
  return writeOrCheck(args, SCHEMA_TS, (g) => g.schemaTs);
}
