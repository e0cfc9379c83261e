// Payloads between the ingest activities: paths (relative to THONGKE_HOME) and hashes, never rows.

export interface ParseFileInput {
  /** Absolute path of the received file, readable by the ingest worker. */
  path: string;
  /** How people know the file, when not by its path: "<bundle>.zip/<member>.xlsx". */
  displayName?: string;
}

export interface ParseResult {
  parserVersion: number;
  fileName: string;
  sha256: string;
  rawPath: string;
  /** bundle: a zip of files; its members follow as files of their own */
  status: 'parsed' | 'rejected' | 'bundle';
  /** Why the whole file was rejected (Vietnamese, names the file and sheet). */
  message: string | null;
  form: string | null;
  formVersion: string | null;
  period: string | null;
  schoolCode: string | null;
  rowsRead: number;
  rowsAccepted: number;
  rowsRejected: number;
  rowsIgnored: number;
  stagingPath: string | null;
  rejectsPath: string | null;
  /** for a bundle: the extracted workbooks, in the bundle's order */
  members?: { name: string; path: string }[];
}

/** What `thongke ingest --json` prints per file. */
export interface FileSummary {
  file: string;
  sha256: string;
  form: string | null;
  period: string | null;
  status: 'loaded' | 'rejected' | 'superseded' | 'unchanged' | 'bundle';
  message: string | null;
  rows_read: number;
  rows_accepted: number;
  rows_rejected: number;
  rows_ignored: number;
}

export interface IngestBatchInput {
  files: string[];
  /** Parse tasks in flight at once (each task's files are parsed in the worker threads of some ingest worker). */
  parallelism?: number;
  /** Files per parse and load activity (default: workflows.ts filesPerTask). */
  filesPerTask?: number;
  /** Run the SQL transforms after the last load (default true). */
  transform?: boolean;
}

/**
 * What ingestBatch returns: counts, not the files. One summary per file would pass Temporal's 2 MB
 * limit on a payload at about 6,000 files (a whole Sở at once), after every file was loaded; the
 * summaries are the results of the load activities, in the history (client.ts reads them there).
 */
export interface IngestBatchOutcome {
  /** files by status, bundle members included */
  files: Partial<Record<FileSummary['status'], number>>;
  transformRunId: string | null;
}

/** What runIngestBatch (client.ts) gives: every file's summary, in load order, and the transform run. */
export interface IngestBatchResult {
  files: FileSummary[];
  transformRunId: string | null;
}

export interface BatchProgress {
  total: number;
  parsed: number;
  loaded: number;
  transformed: boolean;
}
