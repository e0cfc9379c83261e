// Row types of the warehouse tables the TypeScript code queries (Kysely): generated from the
// schema of a freshly built warehouse by `thongke gen-types` into warehouse/generated/schema.ts
// (a test checks it is current). Nothing is written by hand here.
export type * from './generated/schema.js';
import type { Database } from './generated/schema.js';

/** The row of one warehouse table, e.g. Row<'ops.files'>. */
export type Row<T extends keyof Database> = Database[T];
