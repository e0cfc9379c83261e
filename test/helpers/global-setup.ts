// Integration tests run the compiled code (dist/) in real worker processes and threads:
// make sure the build and the Temporal CLI are in place, as `npm test` does.
// THONGKE_SKIP_SETUP=1 skips it (for a quick run of unit tests while dist/ is being reworked).
//
// Every temporary folder of the run (os.tmpdir() in the tests, their child processes, the dev
// servers' databases) goes under one folder made here and removed when the run ends, so that runs
// do not pile folders up in /tmp. THONGKE_KEEP_TMP=1 keeps it (its path is printed).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const runTmp = mkdtempSync(join(tmpdir(), 'thongke-tests-'));
  process.env.TMPDIR = runTmp;
  if (process.env.THONGKE_SKIP_SETUP !== '1') {
    const r = spawnSync(process.execPath, ['scripts/setup.mjs', '--quiet', '--browser'], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('scripts/setup.mjs failed');
  }
  return () => {
    if (process.env.THONGKE_KEEP_TMP === '1') console.log(`temporary files of the run kept in ${runTmp}`);
    else rmSync(runTmp, { recursive: true, force: true });
  };
}
