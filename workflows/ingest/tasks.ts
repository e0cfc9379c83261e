// How ingestBatch cuts a batch into tasks (plain code: the workflow and the bench both read it).

/**
 * Files per activity: a few per task when the batch is small (so every worker gets some), up to 32
 * for a province (each activity costs a round trip to the server and a few history events: a
 * batch of 3,000 files in tasks of one would cost minutes and pass Temporal's history limit).
 */
export function filesPerTask(files: number): number {
  return Math.min(32, Math.max(1, Math.ceil(files / 16)));
}
