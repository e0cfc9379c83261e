// All workflows the worker registers (Temporal bundles this file).
export * from './ingest/workflows.js';
