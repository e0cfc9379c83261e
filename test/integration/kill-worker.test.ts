// Durability: a worker killed with SIGKILL in the middle of a batch, then started again, finishes
// the batch with the same warehouse contents as a run nobody interrupted.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { dist } from '../helpers/dist.js';
import { spawnWorker, startServer, stopProcess, tempHome } from '../helpers/env.js';
import { warehouseContents } from '../helpers/warehouse.js';

const serverHome = tempHome();
let server: Awaited<ReturnType<typeof startServer>>;
let client: Client;

beforeAll(async () => {
  server = await startServer(serverHome);
  client = await (await dist.client()).connectClient(server.address);
});

afterAll(async () => {
  await client?.connection.close();
  await server?.stop();
});

async function inputFiles(home: string): Promise<string[]> {
  const { generateDemoWorld } = await dist.world();
  // three real communes, larger schools: enough work that the kill lands mid-batch
  const files: string[] = [];
  for (const [i, commune] of ['05443', '02014', '00004'].entries()) {
    const w = await generateDemoWorld(join(home, 'inbox', commune), { seed: 100 + i, communeCode: commune, scale: 3, dirtRate: 0.005 });
    files.push(...w.files);
  }
  return files;
}

test('kill -9 of the worker mid-batch, restart: same warehouse as an uninterrupted run', async () => {
  const { runIngestBatch } = await dist.client();
  const { ingestBatch, progressQuery, INGEST_QUEUE } = await dist.ingestWorkflows();

  // the reference: one worker, no interruption
  const homeA = tempHome();
  const filesA = await inputFiles(homeA);
  const workerA = spawnWorker({ THONGKE_HOME: homeA, TEMPORAL_ADDRESS: server.address });
  await runIngestBatch(client, { files: filesA });
  await stopProcess(workerA);

  // the same batch, with the worker killed after the first loads
  const homeB = tempHome();
  const filesB = await inputFiles(homeB);
  const envB = { THONGKE_HOME: homeB, TEMPORAL_ADDRESS: server.address };
  const first = spawnWorker(envB);
  const handle = await client.workflow.start(ingestBatch, { taskQueue: INGEST_QUEUE, workflowId: `kill-test-${Date.now()}`, args: [{ files: filesB }] });
  let atKill = { loaded: 0, total: 0 };
  for (;;) {
    atKill = await handle.query(progressQuery).catch(() => atKill);
    if (atKill.loaded >= 2) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await stopProcess(first, 'SIGKILL');
  expect(atKill.loaded).toBeLessThan(atKill.total);
  const second = spawnWorker(envB);
  try {
    const result = await handle.result();
    // (the workflow's result counts the files by status; their summaries are in its history)
    expect(result.files).toEqual({ loaded: filesB.length });
  } finally {
    await stopProcess(second);
  }

  const a = await warehouseContents(homeA);
  const b = await warehouseContents(homeB);
  expect(b['ops.files']!.length).toBe(filesA.length);
  // paths of the inputs differ between the two homes; the lake paths and everything else agree
  expect(b).toEqual(a);
}, 240_000);
