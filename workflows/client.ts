// Starting and following an ingest batch from the command line or a test.
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { ingestBatch, progressQuery, INGEST_QUEUE } from './ingest/workflows.js';
import type { BatchProgress, FileSummary, IngestBatchInput, IngestBatchResult } from './ingest/types.js';
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
    const outcome = await handle.result();
    const files = await loadSummaries(client, await handle.fetchHistory());
    const counted = Object.values(outcome.files).reduce((s, n) => s + (n ?? 0), 0);
    if (files.length !== counted) throw new Error(`Lượt nạp ${workflowId}: lịch sử Temporal chỉ giữ kết quả của ${files.length} tệp, lượt nạp đếm được ${counted} tệp — số liệu từng tệp vẫn có trong kho (thongke sql "select file_name, status, message from ops.files"); hãy xem lại lượt nạp trong Temporal.`);
    return { files, transformRunId: outcome.transformRunId };
  } finally {
    finished = true;
    await poll;
  }
}

/** The results of the batch's loadFiles activities, in the order they completed (the loads run one after another). */
async function loadSummaries(client: Client, history: Awaited<ReturnType<WorkflowHandle['fetchHistory']>>): Promise<FileSummary[]> {
  const events = history.events ?? [];
  const loads = new Set(events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'loadFiles').map((e) => String(e.eventId)));
  const converter = client.options.loadedDataConverter.payloadConverter;
  const out: FileSummary[] = [];
  for (const e of events) {
    const done = e.activityTaskCompletedEventAttributes;
    if (!done || !loads.has(String(done.scheduledEventId))) continue;
    out.push(...converter.fromPayload<FileSummary[]>(done.result!.payloads![0]!));
  }
  return out;
}
