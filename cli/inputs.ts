// The files a command is given: the files named, and the .xlsx/.xls/.zip files under the folders named.
import { readdirSync, statSync } from 'node:fs';
import { join, resolve, extname } from 'node:path';

/** Files to ingest: the files named, and the .xlsx/.xls/.zip files under the folders named, sorted. */
export function expandInputs(inputs: string[]): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    const st = statSync(p);
    if (st.isDirectory()) for (const e of readdirSync(p).sort()) walk(join(p, e));
    else if (['.xlsx', '.xls', '.zip', '.xlsm'].includes(extname(p).toLowerCase())) out.push(resolve(p));
  };
  for (const i of inputs) {
    const p = resolve(i);
    if (statSync(p).isFile()) out.push(p);
    else walk(p);
  }
  return out;
}

