// The SQL transforms: transforms/{staging,core,marts}/*.sql, each a plain `select`, materialised
// as a table in the schema named by its folder. Order comes from the references between models.
// A run is one transaction: readers never see half a run.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import type { Warehouse } from '../warehouse/db.js';
import { qualified } from '../warehouse/sql.js';
import { loadAdminReference, loadCodelists } from '../warehouse/reference.js';

export const LAYERS = ['staging', 'core', 'marts'] as const;

export interface Model {
  layer: (typeof LAYERS)[number];
  name: string;
  sql: string;
  dependsOn: string[];
}

export const transformsDir = fileURLToPath(new URL(import.meta.url.endsWith('/dist/transforms/runner.js') ? '../../transforms/' : './', import.meta.url));

function stripComments(sql: string): string {
  return sql.replace(/--[^\n]*/g, '').replace(/\/\*[\s\S]*?\*\//g, '');
}

export function discoverModels(dir = transformsDir): Model[] {
  const models: Model[] = [];
  for (const layer of LAYERS) {
    const folder = join(dir, layer);
    if (!existsSync(folder)) continue;
    for (const file of readdirSync(folder).filter((f) => f.endsWith('.sql')).sort()) {
      models.push({ layer, name: file.replace(/\.sql$/, ''), sql: readFileSync(join(folder, file), 'utf8'), dependsOn: [] });
    }
  }
  const ids = new Set(models.map((m) => `${m.layer}.${m.name}`));
  for (const m of models) {
    const refs = stripComments(m.sql).match(/\b(staging|core|marts)\.[a-z_][a-z0-9_]*\b/g) ?? [];
    m.dependsOn = [...new Set(refs)].filter((r) => ids.has(r) && r !== `${m.layer}.${m.name}`).sort();
  }
  return models;
}

/** Topological order; among ready models, layer order then name. Throws on a cycle. */
export function orderModels(models: Model[]): Model[] {
  const done = new Set<string>();
  const out: Model[] = [];
  const left = [...models];
  while (left.length) {
    const i = left.findIndex((m) => m.dependsOn.every((d) => done.has(d)));
    if (i < 0) throw new Error(`transforms: a cycle between ${left.map((m) => `${m.layer}.${m.name}`).join(', ')}`);
    const [m] = left.splice(i, 1);
    out.push(m!);
    done.add(`${m!.layer}.${m!.name}`);
  }
  return out;
}

export function materialiseSql(m: Model): string {
  const body = m.sql.trim().replace(/;\s*$/, '');
  return `create or replace table ${qualified(m.layer, m.name)} as\n${body}`;
}

export interface TransformRun {
  runId: string;
  models: { model: string; rows: number }[];
}

export async function runTransforms(wh: Warehouse, now: () => Date = () => new Date()): Promise<TransformRun> {
  const runId = randomUUID();
  const models = orderModels(discoverModels());
  const done: TransformRun['models'] = [];
  await wh.transaction(async () => {
    await loadCodelists(wh);
    await loadAdminReference(wh);
    for (const m of models) {
      const started = now();
      await wh.run(materialiseSql(m));
      const [count] = await wh.rows<{ n: bigint }>(`select count(*) as n from ${qualified(m.layer, m.name)}`);
      const rows = Number(count?.n ?? 0);
      done.push({ model: `${m.layer}.${m.name}`, rows });
      await wh.run('insert into ops.transform_runs values ($1, $2, $3, $4, $5)', [runId, `${m.layer}.${m.name}`, rows, started.toISOString(), now().toISOString()]);
    }
  });
  return { runId, models: done };
}
