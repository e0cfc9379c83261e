// Shared by the period tests: a small roster over two provinces, the compiled period modules (the
// workers run dist/, see test/helpers/dist.ts), and polling for what arrives by signal.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { fromDist } from '../helpers/dist.js';

export const periodsDist = {
  client: () => fromDist<typeof import('../../workflows/periods/client.js')>('workflows/periods/client.js'),
  chain: () => fromDist<typeof import('../../workflows/periods/chain.js')>('workflows/periods/chain.js'),
  activities: () => fromDist<typeof import('../../workflows/periods/activities.js')>('workflows/periods/activities.js'),
  workflows: () => fromDist<typeof import('../../workflows/periods/workflows.js')>('workflows/periods/workflows.js'),
  cli: () => fromDist<typeof import('../../cli/period.js')>('cli/period.js'),
};

export const periodWorkflowsPath = join(import.meta.dirname, '..', '..', 'dist', 'workflows', 'periods', 'workflows.js');

/**
 * Sở 19: commune 05443 with two schools (TH A, THCS B) and a THPT (C) directly under the Sở;
 * Sở 25: one THPT (D).
 */
export const ROSTER_CSV = `school_code,school_name,level,province_code,province_name,commune_code,commune_name
A,Trường Tiểu học A,TH,19,Sở GDĐT Thái Nguyên,05443,Phường Phan Đình Phùng
B,Trường THCS B,THCS,19,Sở GDĐT Thái Nguyên,05443,Phường Phan Đình Phùng
C,Trường THPT C,THPT,19,Sở GDĐT Thái Nguyên,,
D,Trường THPT D,THPT,25,Sở GDĐT Phú Thọ,,
`;

export function writeRoster(dir: string): string {
  const path = join(dir, 'roster.csv');
  writeFileSync(path, ROSTER_CSV);
  return path;
}

export async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
}
