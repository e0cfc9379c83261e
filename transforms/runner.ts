// The SQL transforms: transforms/{staging,core,marts}/*.sql, each a plain `select`, materialised
// as a table in the schema named by its folder. Order comes from the references between models.
// Assertions (transforms/assertions/*.sql, and the keys declared in transforms/dictionary.json)
// each select the rows that break a rule; each runs as soon as the models it tests are built, and
// its result is stored per run in ops.assertion_results (the count even when it passes). A failing
// error-level assertion stops the models downstream of the ones it tests: they keep their previous
// contents, and ops.transform_runs says which assertion stopped them; models not downstream still
// run. A run is one transaction: readers never see half a run.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import type { Warehouse } from '../warehouse/db.js';
import { qualified, quotedIdentifier } from '../warehouse/sql.js';
import { loadAdminReference, loadCodelists } from '../warehouse/reference.js';
import { loadGsoReference } from '../warehouse/gso.js';
import { loadIndicators } from '../warehouse/indicators.js';
import { refreshDataDictionary } from '../warehouse/dictionary.js';
import { readDictionary } from './dictionary.js';

export const LAYERS = ['staging', 'core', 'marts'] as const;

export interface Model {
  layer: (typeof LAYERS)[number];
  name: string;
  sql: string;
  dependsOn: string[];
  /** 'table' (the folder's default) or 'view', from a `-- materialized: view` line in the model */
  materialized?: 'table' | 'view';
}

export type Severity = 'error' | 'warning';

export interface Assertion {
  name: string;
  severity: Severity;
  /** The models it tests (schema.name), from its header or, without one, from its references. */
  models: string[];
  description: string;
  sql: string;
  /** transforms/assertions/<name>.sql, or `transforms/dictionary.json` for a generated one. */
  source: string;
}

export const transformsDir = fileURLToPath(new URL(import.meta.url.endsWith('/dist/transforms/runner.js') ? '../../transforms/' : './', import.meta.url));

function stripComments(sql: string): string {
  return sql.replace(/--[^\n]*/g, '').replace(/\/\*[\s\S]*?\*\//g, '');
}

const MODEL_REF = /\b(staging|core|marts)\.[a-z_][a-z0-9_]*\b/g;

export function modelId(m: Pick<Model, 'layer' | 'name'>): string {
  return `${m.layer}.${m.name}`;
}

export function discoverModels(dir = transformsDir): Model[] {
  const models: Model[] = [];
  for (const layer of LAYERS) {
    const folder = join(dir, layer);
    if (!existsSync(folder)) continue;
    for (const file of readdirSync(folder).filter((f) => f.endsWith('.sql')).sort()) {
      const sql = readFileSync(join(folder, file), 'utf8');
      // `-- materialized: view` in the comment lines the model starts with
      const leading = /^(?:[ \t]*--[^\n]*\n|[ \t]*\n)*/.exec(sql)![0];
      const header = /^[ \t]*--\s*materialized:\s*(\S+)\s*$/m.exec(leading)?.[1];
      if (header !== undefined && header !== 'table' && header !== 'view') throw new Error(`transforms/${layer}/${file}: "-- materialized:" must be table or view (${header})`);
      // a view has no previous contents to keep when an assertion stops it: published marts are tables
      if (header === 'view' && layer === 'marts') throw new Error(`transforms/${layer}/${file}: a mart is published and must be a table, not a view`);
      models.push({ layer, name: file.replace(/\.sql$/, ''), sql, dependsOn: [], materialized: header ?? 'table' });
    }
  }
  const ids = new Set(models.map(modelId));
  for (const m of models) {
    const refs = stripComments(m.sql).match(MODEL_REF) ?? [];
    m.dependsOn = [...new Set(refs)].filter((r) => ids.has(r) && r !== modelId(m)).sort();
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
    if (i < 0) throw new Error(`transforms: a cycle between ${left.map(modelId).join(', ')}`);
    const [m] = left.splice(i, 1);
    out.push(m!);
    done.add(modelId(m!));
  }
  return out;
}

/**
 * The statement that builds a model: a table (the default), or a view for a model that a few
 * others read once each, where storing its rows costs more than reading them again. A view shows
 * the current rows of what it reads even when an assertion upstream stops it (it has no previous
 * contents to keep), so only staging and core models may be views: the marts readers see stay
 * tables and are stopped as usual.
 */
export function materialiseSql(m: Model): string {
  const body = m.sql.trim().replace(/;\s*$/, '');
  return `create or replace ${m.materialized === 'view' ? 'view' : 'table'} ${qualified(m.layer, m.name)} as\n${body}`;
}

/** Drop what stands under the model's name if it is of the other kind (a model turned from table to view or back). */
async function dropOtherKind(wh: Warehouse, m: Model): Promise<void> {
  const [found] = await wh.rows<{ table_type: string }>(
    'select table_type from information_schema.tables where table_catalog = current_database() and table_schema = $1 and table_name = $2', [m.layer, m.name]);
  if (!found) return;
  const isView = found.table_type === 'VIEW';
  if (isView && m.materialized !== 'view') await wh.run(`drop view ${qualified(m.layer, m.name)}`);
  if (!isView && m.materialized === 'view') await wh.run(`drop table ${qualified(m.layer, m.name)}`);
}

/**
 * The header of an assertion file: `-- severity: error|warning`, `-- models: core.a, marts.b`
 * (optional: else the models it references), `-- description: …` (Vietnamese, required).
 */
export function parseAssertion(name: string, sql: string, modelIds: Set<string>, source = `transforms/assertions/${name}.sql`): Assertion {
  const header = (key: string) => sql.match(new RegExp(`^--\\s*${key}\\s*:\\s*(.+?)\\s*$`, 'mi'))?.[1];
  const severity = header('severity');
  if (severity !== 'error' && severity !== 'warning') throw new Error(`${source}: header "-- severity: error|warning" missing or wrong (${severity ?? 'none'})`);
  const description = header('description');
  if (!description) throw new Error(`${source}: header "-- description: …" (Vietnamese) missing`);
  const declared = header('models')?.split(/[\s,]+/).filter(Boolean);
  const models = declared ?? [...new Set(stripComments(sql).match(MODEL_REF) ?? [])].filter((r) => modelIds.has(r)).sort();
  if (!models.length) throw new Error(`${source}: tests no model (name them in "-- models: …" or reference one)`);
  const bad = models.find((m) => !/^(staging|core|marts)\.[a-z_][a-z0-9_]*$/.test(m));
  if (bad) throw new Error(`${source}: "${bad}" is not a model name (staging|core|marts).name`);
  return { name, severity, models, description, sql: sql.trim().replace(/;\s*$/, ''), source };
}

/** The generic assertions declared as data in dictionary.json: unique keys and not-null columns. */
export function generatedAssertions(dir: string): Assertion[] {
  const out: Assertion[] = [];
  const source = 'transforms/dictionary.json';
  for (const [table, e] of Object.entries(readDictionary(dir).tables).sort(([a], [b]) => a.localeCompare(b))) {
    if (!/^(staging|core|marts)\./.test(table)) continue;
    const [schema, name] = table.split('.') as [string, string];
    for (const key of e.unique ?? []) {
      const cols = key.map(quotedIdentifier).join(', ');
      out.push({
        name: `unique__${table}__${key.join('__')}`,
        severity: 'error',
        models: [table],
        description: `Mỗi ${key.join(' + ')} chỉ có một dòng trong ${table}`,
        sql: `select ${cols}, count(*) as so_dong\nfrom ${qualified(schema, name)}\ngroup by ${cols}\nhaving count(*) > 1`,
        source,
      });
    }
    if (e.not_null?.length) {
      out.push({
        name: `not_null__${table}`,
        severity: 'error',
        models: [table],
        description: `Các cột ${e.not_null.join(', ')} của ${table} không được để trống`,
        sql: `select *\nfrom ${qualified(schema, name)}\nwhere ${e.not_null.map((c) => `${quotedIdentifier(c)} is null`).join('\n   or ')}`,
        source,
      });
    }
  }
  return out;
}

export function discoverAssertions(dir = transformsDir, models: Model[] = discoverModels(dir)): Assertion[] {
  const ids = new Set(models.map(modelId));
  const folder = join(dir, 'assertions');
  const files = existsSync(folder) ? readdirSync(folder).filter((f) => f.endsWith('.sql')).sort() : [];
  const out = [...files.map((f) => parseAssertion(f.replace(/\.sql$/, ''), readFileSync(join(folder, f), 'utf8'), ids)), ...generatedAssertions(dir)];
  const dup = out.find((a, i) => out.findIndex((b) => b.name === a.name) !== i);
  if (dup) throw new Error(`transforms: two assertions named ${dup.name}`);
  return out;
}

/** Every model that reads `id`, directly or through others. */
function descendants(models: Model[], ids: string[]): Set<string> {
  const out = new Set<string>();
  let frontier = new Set(ids);
  while (frontier.size) {
    const next = new Set<string>();
    for (const m of models) if (!out.has(modelId(m)) && m.dependsOn.some((d) => frontier.has(d))) next.add(modelId(m));
    for (const n of next) out.add(n);
    frontier = next;
  }
  return out;
}

function ancestorsOrSelf(models: Model[], ids: string[]): Set<string> {
  const byId = new Map(models.map((m) => [modelId(m), m]));
  const out = new Set<string>();
  const stack = [...ids];
  while (stack.length) {
    const id = stack.pop()!;
    if (out.has(id)) continue;
    out.add(id);
    stack.push(...(byId.get(id)?.dependsOn ?? []));
  }
  return out;
}

/**
 * The models an assertion guards: those downstream of the last of the models it tests (an
 * assertion over marts.m and core.c, the mart read from core, checks the mart against its input:
 * it guards what reads the mart, not everything that reads core), except models the tested ones
 * themselves need (an assertion over core.a and marts.c cannot hold back core.b between them).
 * These wait for the assertion and are not built if it fails at error level.
 */
export function guardedBy(models: Model[], a: Assertion): Set<string> {
  const last = a.models.filter((m) => !a.models.some((o) => o !== m && ancestorsOrSelf(models, [o]).has(m)));
  const up = ancestorsOrSelf(models, a.models);
  return new Set([...descendants(models, last)].filter((m) => !up.has(m)));
}

/** One schedule of models and assertions: an assertion as soon as its models are built, a model once the assertions guarding it have run. */
export type Step = { kind: 'model'; model: Model } | { kind: 'assertion'; assertion: Assertion };

export function plan(models: Model[], assertions: Assertion[]): Step[] {
  const ordered = orderModels(models);
  const ids = new Set(models.map(modelId));
  const live = assertions.filter((a) => a.models.every((m) => ids.has(m)));
  const guards = new Map(live.map((a) => [a.name, guardedBy(models, a)]));
  const done = new Set<string>();
  const steps: Step[] = [];
  const leftModels = [...ordered];
  const leftAssertions = [...live];
  while (leftModels.length || leftAssertions.length) {
    const ai = leftAssertions.findIndex((a) => a.models.every((m) => done.has(m)));
    if (ai >= 0) {
      const [a] = leftAssertions.splice(ai, 1);
      steps.push({ kind: 'assertion', assertion: a! });
      done.add(`assertion:${a!.name}`);
      continue;
    }
    const mi = leftModels.findIndex((m) => m.dependsOn.every((d) => done.has(d))
      && leftAssertions.every((a) => !guards.get(a.name)!.has(modelId(m))));
    if (mi < 0) throw new Error(`transforms: cannot order ${[...leftModels.map(modelId), ...leftAssertions.map((a) => a.name)].join(', ')}`);
    const [m] = leftModels.splice(mi, 1);
    steps.push({ kind: 'model', model: m! });
    done.add(modelId(m!));
  }
  return steps;
}

export interface AssertionResult {
  assertion: string;
  severity: Severity;
  status: 'pass' | 'fail' | 'skipped';
  failingRows: number | null;
  sample: Record<string, unknown>[];
  message: string | null;
}

export interface TransformRun {
  runId: string;
  models: { model: string; rows: number | null; status: 'built' | 'skipped'; blockedBy: string[] }[];
  assertions: AssertionResult[];
}

export interface RunOptions {
  /** The transforms folder (staging/, core/, marts/, assertions/, dictionary.json). */
  dir?: string;
  now?: () => Date;
  /** Load the vendored reference data (codelists, admin units, GSO) first; off for tests on a hand-made folder. */
  reference?: boolean;
  /** Refresh ops.data_dictionary at the end of the run. */
  dictionary?: boolean;
  /** Work done first inside the run's transaction (rebuild: drop and reload raw from the lake). */
  before?: () => Promise<void>;
}

const SAMPLE_ROWS = 5;

export async function runTransforms(wh: Warehouse, opts: RunOptions = {}): Promise<TransformRun> {
  const dir = opts.dir ?? transformsDir;
  const now = opts.now ?? (() => new Date());
  const runId = randomUUID();
  const models = discoverModels(dir);
  const assertions = discoverAssertions(dir, models);
  const steps = plan(models, assertions);
  const ids = new Set(models.map(modelId));
  const run: TransformRun = { runId, models: [], assertions: [] };
  const stoppedBy = new Map<string, string[]>(); // model → failing error assertions guarding it
  const skipped = new Set<string>();

  const record = async (a: Assertion, r: AssertionResult, started: Date) => {
    run.assertions.push(r);
    await wh.run(
      `insert into ops.assertion_results (run_id, assertion, severity, models, description, status, failing_rows, sample, message, started_at, finished_at)
       values ($1, $2, $3, $4::varchar[], $5, $6, $7, $8::json, $9, $10, $11)`,
      [runId, a.name, a.severity, `[${a.models.map((m) => `'${m}'`).join(', ')}]`, a.description, r.status, r.failingRows, JSON.stringify(r.sample), r.message, started.toISOString(), now().toISOString()],
    );
  };

  await wh.transaction(async () => {
    await opts.before?.();
    if (opts.reference !== false) {
      await loadCodelists(wh);
      await loadAdminReference(wh);
      await loadGsoReference(wh);
      await loadIndicators(wh);
    }
    for (const step of steps) {
      const started = now();
      if (step.kind === 'model') {
        const m = step.model;
        const id = modelId(m);
        const blockers = stoppedBy.get(id);
        const upstreamSkipped = m.dependsOn.filter((d) => skipped.has(d));
        if (blockers?.length || upstreamSkipped.length) {
          skipped.add(id);
          const blockedBy = blockers ?? [];
          run.models.push({ model: id, rows: null, status: 'skipped', blockedBy });
          await wh.run(`insert into ops.transform_runs (run_id, model, row_count, started_at, finished_at, status, blocked_by) values ($1, $2, null, $3, $4, 'skipped', $5)`,
            [runId, id, started.toISOString(), now().toISOString(), blockedBy.join(', ') || `mô hình phía trên không được dựng: ${upstreamSkipped.join(', ')}`]);
          continue;
        }
        await dropOtherKind(wh, m);
        await wh.run(materialiseSql(m));
        // a view's rows are counted by what reads it, not again here
        const [count] = m.materialized === 'view' ? [] : await wh.rows<{ n: bigint }>(`select count(*) as n from ${qualified(m.layer, m.name)}`);
        const rows = count ? Number(count.n) : null;
        run.models.push({ model: id, rows, status: 'built', blockedBy: [] });
        await wh.run(`insert into ops.transform_runs (run_id, model, row_count, started_at, finished_at, status) values ($1, $2, $3, $4, $5, 'built')`, [runId, id, rows, started.toISOString(), now().toISOString()]);
        continue;
      }
      const a = step.assertion;
      const notBuilt = a.models.filter((m) => skipped.has(m));
      if (notBuilt.length) {
        await record(a, { assertion: a.name, severity: a.severity, status: 'skipped', failingRows: null, sample: [], message: `Không chạy: mô hình ${notBuilt.join(', ')} không được dựng trong lần chạy này.` }, started);
        continue;
      }
      const rows = await wh.rowsJson(`select count(*) over () as __failing_rows, * from (\n${a.sql}\n) limit ${SAMPLE_ROWS}`);
      const failing = Number(rows[0]?.__failing_rows ?? 0);
      const sample = rows.map(({ __failing_rows: _, ...rest }) => rest);
      let message: string | null = null;
      if (failing && a.severity === 'error') {
        const guarded = [...guardedBy(models, a)].sort();
        for (const g of guarded) stoppedBy.set(g, [...(stoppedBy.get(g) ?? []), a.name]);
        message = guarded.length ? `Lỗi: ${failing} dòng vi phạm; dừng các mô hình phía sau: ${guarded.join(', ')}.` : `Lỗi: ${failing} dòng vi phạm; không có mô hình nào phía sau.`;
      } else if (failing) message = `Cảnh báo: ${failing} dòng vi phạm.`;
      await record(a, { assertion: a.name, severity: a.severity, status: failing ? 'fail' : 'pass', failingRows: failing, sample, message }, started);
    }
    // declared for a model that is not in the folder (yet): on record, so it is not forgotten
    for (const a of assertions.filter((x) => !x.models.every((m) => ids.has(m)))) {
      const missing = a.models.filter((m) => !ids.has(m));
      await record(a, { assertion: a.name, severity: a.severity, status: 'skipped', failingRows: null, sample: [], message: `Không chạy: chưa có mô hình ${missing.join(', ')}.` }, now());
    }
    if (opts.dictionary !== false) await refreshDataDictionary(wh, dir);
  });
  return run;
}

/** Vietnamese lines for the failing and skipped parts of a run (for the CLI). */
export function describeRun(run: TransformRun): string[] {
  const lines: string[] = [];
  for (const a of run.assertions.filter((x) => x.status === 'fail')) lines.push(`${a.severity === 'error' ? 'LỖI' : 'Cảnh báo'} ${a.assertion}: ${a.message}`);
  for (const m of run.models.filter((x) => x.status === 'skipped')) lines.push(`Không dựng ${m.model}${m.blockedBy.length ? ` (bị dừng bởi ${m.blockedBy.join(', ')})` : ''}.`);
  return lines;
}
