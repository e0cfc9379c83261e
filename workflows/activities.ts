export * as ingest from './ingest/activities.js';
