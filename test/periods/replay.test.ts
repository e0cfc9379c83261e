// Replay: the recorded histories of period workflows (test/periods/histories, written by
// test/periods/record.ts from a real run) must replay against today's workflow code, so a change
// that would break running periods (they run for months) fails here. Replays the compiled dist/.
import { describe, expect, test } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker, bundleWorkflowCode } from '@temporalio/worker';
import { historiesDir } from './record.js';
import { periodWorkflowsPath } from './helpers.js';

/**
 * A history file (`temporal workflow show --output json`) as a History message. Not the SDK's own
 * historyFromJSON: node_modules holds two copies of protobufjs 8 (under @temporalio/common and
 * @temporalio/proto, the top level being protobufjs 7), and its instanceof check fails across them
 * ("type must be a Type"). Parsing with the copy that @temporalio/proto's types come from works.
 */
function loadHistory(json: unknown): unknown {
  const req = createRequire(createRequire(import.meta.url).resolve('@temporalio/proto'));
  const { fromJson } = req('protobufjs/ext/protojson') as { fromJson: (type: unknown, json: unknown, opts: object) => unknown };
  const { patchProtobufRoot } = req('@temporalio/proto/lib/patch-protobuf-root') as { patchProtobufRoot: (r: unknown) => { lookupType(n: string): unknown } };
  return fromJson(patchProtobufRoot(req('@temporalio/proto')).lookupType('temporal.api.history.v1.History'), json, { ignoreUnknownFields: true });
}

const quiet = { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: console.error };

const files = readdirSync(historiesDir).filter((f) => f.endsWith('.json')).sort();

describe('period workflow histories replay', () => {
  test('there are histories of the Bộ and Sở workflows, including continued-as-new runs', () => {
    expect(files.some((f) => f.includes('nation_BGDDT'))).toBe(true);
    expect(files.some((f) => f.includes('province_19'))).toBe(true);
    expect(files.filter((f) => f.startsWith('period_DN-CAN_province_19_run')).length).toBeGreaterThan(1);
  });

  test('every history replays without nondeterminism', async () => {
    // one bundle for all; runReplayHistory throws DeterminismViolationError on a mismatch
    const workflowBundle = await bundleWorkflowCode({ workflowsPath: periodWorkflowsPath, logger: quiet });
    const failed: string[] = [];
    for (const f of files) {
      const history = loadHistory(JSON.parse(readFileSync(join(historiesDir, f), 'utf8')));
      await Worker.runReplayHistory({ workflowBundle, replayName: 'periods' }, history, f).catch((e: unknown) => failed.push(`${f}: ${String(e).slice(0, 300)}`));
    }
    expect(failed).toEqual([]);
  }, 120_000);
});
