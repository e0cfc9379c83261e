// Typed application queries over the warehouse (Kysely with the DuckDB dialect).
import { Kysely, type Dialect } from 'kysely';
import { DuckDbDialect } from 'kysely-duckdb';
import type { DuckDBInstance } from '@duckdb/node-api';
import type { Database } from './schema.js';

export function kyselyFor(instance: DuckDBInstance): Kysely<Database> {
  // kysely-duckdb's type declarations point at Kysely's CJS build; at run time both are ESM.
  const dialect = new DuckDbDialect({ database: instance, tableMappings: {} }) as unknown as Dialect;
  return new Kysely<Database>({ dialect });
}
