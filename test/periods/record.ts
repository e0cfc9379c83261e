// Writes the histories of a period's workflows (every run, so continue-as-new is covered) to
// test/periods/histories/, for the replay test. Run: THONGKE_RECORD_HISTORIES=1 npx vitest run test/integration/periods.test.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { spawnSync } from 'node:child_process';
import { dist } from '../helpers/dist.js';

export const historiesDir = join(import.meta.dirname, 'histories');

/**
 * Through the Temporal CLI's `workflow show --output json` (the format Worker.runReplayHistories
 * reads): historyToJSON on fetchHistory() fails here on two copies of protobufjs.
 */
export async function recordHistories(client: Client, periods: string[], address: string): Promise<string[]> {
  const { temporalCli } = await dist.devServer();
  mkdirSync(historiesDir, { recursive: true });
  const written: string[] = [];
  for (const period of periods) {
    const runs: { workflowId: string; runId: string; start: number }[] = [];
    for await (const w of client.workflow.list({ query: `WorkflowId STARTS_WITH 'period:${period}:'` })) runs.push({ workflowId: w.workflowId, runId: w.runId, start: w.startTime.getTime() });
    runs.sort((a, b) => a.workflowId.localeCompare(b.workflowId) || a.start - b.start);
    const seen = new Map<string, number>();
    for (const r of runs) {
      const n = (seen.get(r.workflowId) ?? 0) + 1;
      seen.set(r.workflowId, n);
      const show = spawnSync(temporalCli(), ['workflow', 'show', '--address', address, '--workflow-id', r.workflowId, '--run-id', r.runId, '--output', 'json'], { encoding: 'utf8', maxBuffer: 256 << 20 });
      if (show.status !== 0) throw new Error(`temporal workflow show ${r.workflowId}: ${show.stderr}`);
      const file = join(historiesDir, `${r.workflowId.replace(/[^A-Za-z0-9-]+/g, '_')}_run${n}.json`);
      writeFileSync(file, show.stdout);
      written.push(file);
    }
  }
  return written;
}
