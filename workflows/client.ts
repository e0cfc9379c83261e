// Starting and following an ingest batch from the command line or a test.
import { Client, Connection } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { ingestBatch, progressQuery, INGEST_QUEUE } from './ingest/workflows.js';
import type { BatchProgress, IngestBatchInput, IngestBatchResult } from './ingest/types.js';
import { temporalAddress, temporalNamespace } from './connection.js';

export async function connectClient(address = temporalAddress(), namespace = temporalNamespace()): Promise<Client> {
  const connection = await Connection.connect({ address });
  return new Client({ connection, namespace });
}

export async function runIngestBatch(
  client: Client,
  input: IngestBatchInput,
  onProgress?: (p: BatchProgress) => void,
  workflowId = `ingest-${randomUUID()}`,
): Promise<IngestBatchResult> {
  const handle = await client.workflow.start(ingestBatch, { taskQueue: INGEST_QUEUE, workflowId, args: [input] });
  let finished = false;
  const poll = (async () => {
    while (!finished && onProgress) {
      try {
        onProgress(await handle.query(progressQuery));
      } catch {
        // no worker has picked the workflow up yet; try again
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  })();
  try {
    return await handle.result();
  } finally {
    finished = true;
    await poll;
  }
}
