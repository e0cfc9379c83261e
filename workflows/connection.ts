// Where the Temporal server is: TEMPORAL_ADDRESS (default localhost:7233), TEMPORAL_NAMESPACE.
export function temporalAddress(env: NodeJS.ProcessEnv = process.env): string {
  return env.TEMPORAL_ADDRESS ?? 'localhost:7233';
}

export function temporalNamespace(env: NodeJS.ProcessEnv = process.env): string {
  return env.TEMPORAL_NAMESPACE ?? 'default';
}
