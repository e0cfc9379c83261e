// startDevServer against the real Temporal CLI, behind a wrapper that fails its first start the
// way a port taken between the CLI's choice and its bind does.
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { dist } from '../helpers/dist.js';
import { tempHome } from '../helpers/env.js';

const saved = process.env.TEMPORAL_CLI;
afterEach(() => {
  if (saved === undefined) delete process.env.TEMPORAL_CLI;
  else process.env.TEMPORAL_CLI = saved;
});

test('a server that exits at start is started again and answers', async () => {
  const { startDevServer, temporalCli, temporalAnswers } = await dist.devServer();
  const real = temporalCli();
  const home = tempHome('dev-server-');
  const mark = join(home, 'failed-once');
  const wrapper = join(home, 'temporal-wrapper.sh');
  writeFileSync(wrapper, `#!/bin/sh
if [ ! -e '${mark}' ]; then
  : > '${mark}'
  echo 'failed listening for HTTP API on 127.0.0.1:1: listen tcp 127.0.0.1:1: bind: address already in use' >&2
  exit 1
fi
exec '${real}' "$@"
`);
  chmodSync(wrapper, 0o755);
  process.env.TEMPORAL_CLI = wrapper;
  const server = await startDevServer({ home, port: 'free' });
  try {
    expect(existsSync(mark)).toBe(true);
    expect(readFileSync(join(home, 'temporal-server.log'), 'utf8')).toContain('address already in use');
    expect(await temporalAnswers(server.address)).toBe(true);
  } finally {
    await server.stop();
  }
}, 120_000);
