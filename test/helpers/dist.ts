// The compiled modules, typed by their sources. Integration tests use these because parsing runs
// in worker threads and workers run in child processes, both from dist/.
export function fromDist<T>(path: string): Promise<T> {
  return import(new URL(`../../dist/${path}`, import.meta.url).href) as Promise<T>;
}

export const dist = {
  worker: () => fromDist<typeof import('../../workflows/worker.js')>('workflows/worker.js'),
  client: () => fromDist<typeof import('../../workflows/client.js')>('workflows/client.js'),
  ingestWorkflows: () => fromDist<typeof import('../../workflows/ingest/workflows.js')>('workflows/ingest/workflows.js'),
  devServer: () => fromDist<typeof import('../../cli/dev-server.js')>('cli/dev-server.js'),
  world: () => fromDist<typeof import('../../fixtures/demo-world.js')>('fixtures/demo-world.js'),
  db: () => fromDist<typeof import('../../warehouse/db.js')>('warehouse/db.js'),
  generate: () => fromDist<typeof import('../../fixtures/generate.js')>('fixtures/generate.js'),
  inputs: () => fromDist<typeof import('../../cli/inputs.js')>('cli/inputs.js'),
};
