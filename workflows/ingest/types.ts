// Payloads between the ingest activities: paths (relative to THONGKE_HOME) and hashes, never rows.

export interface ParseFileInput {
  /** Absolute path of the received file, readable by the ingest worker. */
  path: string;
}

export interface ParseResult {
  parserVersion: number;
  fileName: string;
  sha256: string;
  rawPath: string;
  status: 'parsed' | 'rejected';
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
}

/** What `thongke ingest --json` prints per file. */
export interface FileSummary {
  file: string;
  sha256: string;
  form: string | null;
  period: string | null;
  status: 'loaded' | 'rejected' | 'superseded' | 'unchanged';
  message: string | null;
  rows_read: number;
  rows_accepted: number;
  rows_rejected: number;
  rows_ignored: number;
}

export interface IngestBatchInput {
  files: string[];
  /** Files parsed at once (each parse runs in a worker thread of some ingest worker). */
  parallelism?: number;
  /** Run the SQL transforms after the last load (default true). */
  transform?: boolean;
}

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
