#!/usr/bin/env node
// Entry point of the `thongke` command; the code runs from dist/ (built by scripts/setup.mjs).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  console.error('thongke: chưa dựng mã (dist/ trống). Chạy: npm run setup');
  process.exit(1);
}
// output piped into `head` and the like: a closed pipe ends the command quietly
process.stdout.on('error', (e) => { if (e.code === 'EPIPE') process.exit(0); throw e; });
const { main: run } = await import(main.href);
try {
  process.exitCode = await run(process.argv.slice(2));
} catch (e) {
  console.error(`thongke: lỗi: ${e instanceof Error ? e.message : String(e)}`);
  if (process.env.THONGKE_DEBUG) console.error(e);
  process.exitCode = 1;
}
