// `thongke fixtures --scale tiny|province|national --seed N [--out DIR]`
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { thongkeHome } from '../warehouse/home.js';
import { generate } from '../fixtures/generate.js';
import { generateNational } from '../fixtures/national.js';
import { formatInt } from '../dashboards/format.js';

export async function fixturesCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { scale: { type: 'string', default: 'tiny' }, seed: { type: 'string', default: '1' }, out: { type: 'string' }, 'dirt-rate': { type: 'string' } } });
  const scale = values.scale!;
  const seed = Number(values.seed);
  if (!['tiny', 'province', 'national'].includes(scale) || !Number.isInteger(seed)) {
    process.stderr.write('thongke fixtures: --scale tiny|province|national, --seed là một số nguyên\n');
    return 2;
  }
  const out = values.out ?? join(thongkeHome(), 'fixtures', `${scale}-${seed}`);
  const started = Date.now();
  if (scale === 'national') {
    const r = await generateNational({ seed, out });
    console.log(`${formatInt(r.pupils)} học sinh, ${formatInt(r.schools)} trường → ${out} (${formatInt(Math.round(r.bytes / 1e6))} MB, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
    return 0;
  }
  const r = await generate({
    scale: scale as 'tiny' | 'province',
    seed,
    out,
    dirtRate: values['dirt-rate'] ? Number(values['dirt-rate']) : undefined,
    onProgress: process.stderr.isTTY ? (d, t) => process.stderr.write(`\r${d}/${t} tệp`) : undefined,
  });
  if (process.stderr.isTTY) process.stderr.write('\n');
  console.log(`${formatInt(r.workbooks)} tệp, ${formatInt(r.defects.length)} lỗi cài sẵn → ${out} (${formatInt(Math.round(r.bytes / 1e6))} MB, ${((Date.now() - started) / 1000).toFixed(1)} s); đáp án: ${join(out, 'answer-key')}`);
  return 0;
}
