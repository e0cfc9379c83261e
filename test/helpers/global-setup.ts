// Integration tests run the compiled code (dist/) in real worker processes and threads:
// make sure the build and the Temporal CLI are in place, as `npm test` does.
// THONGKE_SKIP_SETUP=1 skips it (for a quick run of unit tests while dist/ is being reworked).
import { spawnSync } from 'node:child_process';

export default function setup(): void {
  if (process.env.THONGKE_SKIP_SETUP === '1') return;
  const r = spawnSync(process.execPath, ['scripts/setup.mjs', '--quiet', '--browser'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('scripts/setup.mjs failed');
}
