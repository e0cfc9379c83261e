// The compiled modules, typed by their sources. Integration tests use these because parsing runs
// in worker threads and workers run in child processes, both from dist/.
export const dist = {
  worker: () => import('../../dist/workflows/worker.js') as Promise<typeof import('../../workflows/worker.js')>,
  client: () => import('../../dist/workflows/client.js') as Promise<typeof import('../../workflows/client.js')>,
  devServer: () => import('../../dist/cli/dev-server.js') as Promise<typeof import('../../cli/dev-server.js')>,
  world: () => import('../../dist/fixtures/demo-world.js') as Promise<typeof import('../../fixtures/demo-world.js')>,
  db: () => import('../../dist/warehouse/db.js') as Promise<typeof import('../../warehouse/db.js')>,
};
