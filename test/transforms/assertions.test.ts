// Assertions in the transform runner, on a real DuckDB file and a small models folder: results
// stored per run with counts even when passing, a failing error stopping exactly the models
// downstream of it (which keep their previous contents), warnings stopping nothing, keys declared
// as data, and the whole run one transaction.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openWarehouse, type Warehouse } from '../../warehouse/db.js';
import { discoverAssertions, discoverModels, guardedBy, parseAssertion, plan, runTransforms, type Assertion } from '../../transforms/runner.js';

let home: string;
let wh: Warehouse;

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(home, 'transforms-'));
  for (const [path, sql] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), sql);
  }
  return dir;
}

// src.items is the "raw" input; staging/core/marts read it
const MODELS = {
  'staging/stg_items.sql': 'select id, kind, qty from src.items',
  'core/items.sql': 'select id, kind, qty from staging.stg_items',
  'core/kinds.sql': 'select distinct kind from staging.stg_items',
  'marts/mart_items_by_kind.sql': 'select kind, sum(qty)::bigint as total from core.items group by kind',
  'marts/mart_kinds.sql': 'select count(*) as n from core.kinds',
};

const POSITIVE = `-- severity: error
-- description: Số lượng không được âm
select * from core.items where qty < 0
`;

async function setItems(rows: [number, string, number][]): Promise<void> {
  await wh.run('create schema if not exists src; create or replace table src.items (id integer, kind varchar, qty integer)');
  for (const r of rows) await wh.run('insert into src.items values ($1, $2, $3)', r);
}

async function results(runId: string) {
  return wh.rowsJson('select assertion, severity, models, status, failing_rows, sample, message from ops.assertion_results where run_id = $1 order by assertion', [runId]);
}

beforeEach(async () => {
  home = mkdtempSync(join(tmpdir(), 'thongke-assertions-'));
  wh = await openWarehouse(join(home, 'warehouse.duckdb'));
});

afterEach(() => {
  wh.close();
  rmSync(home, { recursive: true, force: true });
});

describe('assertion files', () => {
  test('header: severity, description, models declared or inferred from references', () => {
    const ids = new Set(['core.items', 'core.kinds', 'marts.mart_kinds']);
    const inferred = parseAssertion('x', POSITIVE, ids);
    expect(inferred).toMatchObject({ severity: 'error', models: ['core.items'], description: 'Số lượng không được âm' });
    const declared = parseAssertion('y', '-- severity: warning\n-- models: marts.mart_kinds, core.kinds\n-- description: Có loại\nselect 1 from core.items where false', ids);
    expect(declared.models).toEqual(['marts.mart_kinds', 'core.kinds']);
    expect(() => parseAssertion('z', '-- description: x\nselect 1 from core.items', ids)).toThrow('transforms/assertions/z.sql: header "-- severity: error|warning" missing or wrong (none)');
    expect(() => parseAssertion('z', '-- severity: fatal\n-- description: x\nselect 1', ids)).toThrow('missing or wrong (fatal)');
    expect(() => parseAssertion('z', '-- severity: error\nselect 1 from core.items', ids)).toThrow('header "-- description: …" (Vietnamese) missing');
    expect(() => parseAssertion('z', '-- severity: error\n-- description: x\nselect 1 from ref.y', ids)).toThrow('tests no model');
  });

  test('keys declared as data become unique and not-null assertions', () => {
    const dir = tree({ ...MODELS, 'dictionary.json': JSON.stringify({ tables: { 'core.items': { unique: [['id'], ['kind', 'qty']], not_null: ['id', 'kind'] } } }) });
    const names = discoverAssertions(dir).map((a) => [a.name, a.models, a.severity]);
    expect(names).toEqual([
      ['unique__core.items__id', ['core.items'], 'error'],
      ['unique__core.items__kind__qty', ['core.items'], 'error'],
      ['not_null__core.items', ['core.items'], 'error'],
    ]);
  });

  test('downstream: the models reading the last of the tested ones, except those the tested ones need', () => {
    const models = discoverModels(tree(MODELS));
    const a = (ms: string[]): Assertion => ({ name: 'a', severity: 'error', models: ms, description: '', sql: '', source: '' });
    expect([...guardedBy(models, a(['core.items']))]).toEqual(['marts.mart_items_by_kind']);
    expect([...guardedBy(models, a(['staging.stg_items']))].sort()).toEqual(['core.items', 'core.kinds', 'marts.mart_items_by_kind', 'marts.mart_kinds']);
    // a mart checked against its input guards what reads the mart, not the input's other readers
    expect([...guardedBy(models, a(['staging.stg_items', 'marts.mart_items_by_kind']))]).toEqual([]);
    expect([...guardedBy(models, a(['staging.stg_items', 'core.items']))]).toEqual(['marts.mart_items_by_kind']);
    // two unrelated models: what reads either, except what the other needs
    expect([...guardedBy(models, a(['core.items', 'core.kinds']))].sort()).toEqual(['marts.mart_items_by_kind', 'marts.mart_kinds']);
  });

  test('an assertion runs right after its models, before anything it guards', () => {
    const dir = tree({ ...MODELS, 'assertions/positive.sql': POSITIVE });
    const steps = plan(discoverModels(dir), discoverAssertions(dir)).map((s) => (s.kind === 'model' ? `${s.model.layer}.${s.model.name}` : `assert:${s.assertion.name}`));
    expect(steps).toEqual(['staging.stg_items', 'core.items', 'assert:positive', 'core.kinds', 'marts.mart_items_by_kind', 'marts.mart_kinds']);
  });
});

describe('runs with assertions', () => {
  test('passing assertions are stored with their count (0)', async () => {
    await setItems([[1, 'a', 2], [2, 'b', 3]]);
    const dir = tree({ ...MODELS, 'assertions/positive.sql': POSITIVE });
    const run = await runTransforms(wh, { dir, reference: false });
    expect(await results(run.runId)).toEqual([
      { assertion: 'positive', severity: 'error', models: ['core.items'], status: 'pass', failing_rows: '0', sample: '[]', message: null },
    ]);
    expect(run.models.every((m) => m.status === 'built')).toBe(true);
  });

  test('a failing error stops the models downstream, which keep their previous contents; the rest runs', async () => {
    await setItems([[1, 'a', 2], [2, 'b', 3]]);
    const dir = tree({ ...MODELS, 'assertions/positive.sql': POSITIVE });
    await runTransforms(wh, { dir, reference: false });
    await setItems([[1, 'a', 2], [2, 'b', -3], [3, 'c', 1]]);
    const run = await runTransforms(wh, { dir, reference: false });

    const [r] = await results(run.runId);
    expect(r).toMatchObject({ assertion: 'positive', status: 'fail', failing_rows: '1', message: 'Lỗi: 1 dòng vi phạm; dừng các mô hình phía sau: marts.mart_items_by_kind.' });
    expect(JSON.parse(r!.sample as string)).toEqual([{ id: 2, kind: 'b', qty: -3 }]);
    const runs = await wh.rowsJson('select model, status, row_count, blocked_by from ops.transform_runs where run_id = $1 order by model', [run.runId]);
    expect(runs).toEqual([
      { model: 'core.items', status: 'built', row_count: '3', blocked_by: null },
      { model: 'core.kinds', status: 'built', row_count: '3', blocked_by: null },
      { model: 'marts.mart_items_by_kind', status: 'skipped', row_count: null, blocked_by: 'positive' },
      { model: 'marts.mart_kinds', status: 'built', row_count: '1', blocked_by: null },
      { model: 'staging.stg_items', status: 'built', row_count: '3', blocked_by: null },
    ]);
    // the stopped mart still has the previous run's rows; the one not downstream is new
    expect(await wh.rowsJson('select kind, total from marts.mart_items_by_kind order by kind')).toEqual([{ kind: 'a', total: '2' }, { kind: 'b', total: '3' }]);
    expect(await wh.rowsJson('select n from marts.mart_kinds')).toEqual([{ n: '3' }]);
  });

  test('a failing warning stops nothing', async () => {
    await setItems([[1, 'a', -2]]);
    const dir = tree({ ...MODELS, 'assertions/positive.sql': POSITIVE.replace('error', 'warning') });
    const run = await runTransforms(wh, { dir, reference: false });
    expect((await results(run.runId))[0]).toMatchObject({ status: 'fail', failing_rows: '1', message: 'Cảnh báo: 1 dòng vi phạm.' });
    expect(run.models.filter((m) => m.status === 'skipped')).toEqual([]);
  });

  test('generated key checks find duplicates and blanks; an assertion on a stopped model is skipped', async () => {
    await setItems([[1, 'a', 2], [1, 'b', 3], [2, null as unknown as string, 1]]);
    const dir = tree({
      ...MODELS,
      'dictionary.json': JSON.stringify({ tables: { 'staging.stg_items': { unique: [['id']] }, 'core.items': { not_null: ['kind'] } } }),
    });
    const run = await runTransforms(wh, { dir, reference: false });
    const rs = await results(run.runId);
    expect(rs.map((r) => [r.assertion, r.status, r.failing_rows])).toEqual([
      ['not_null__core.items', 'skipped', null],
      ['unique__staging.stg_items__id', 'fail', '1'],
    ]);
    expect(JSON.parse(rs[1]!.sample as string)).toEqual([{ id: 1, so_dong: '2' }]);
    expect(rs[0]!.message).toBe('Không chạy: mô hình core.items không được dựng trong lần chạy này.');
    expect(run.models.filter((m) => m.status === 'built').map((m) => m.model)).toEqual(['staging.stg_items']);
  });

  test('an assertion over a model not in the folder yet is on record as skipped', async () => {
    await setItems([[1, 'a', 2]]);
    const dir = tree({ ...MODELS, 'assertions/later.sql': '-- severity: warning\n-- models: marts.mart_later\n-- description: Sau này\nselect * from marts.mart_later' });
    const run = await runTransforms(wh, { dir, reference: false });
    expect(await results(run.runId)).toEqual([
      { assertion: 'later', severity: 'warning', models: ['marts.mart_later'], status: 'skipped', failing_rows: null, sample: '[]', message: 'Không chạy: chưa có mô hình marts.mart_later.' },
    ]);
  });

  test('one transaction: a model that fails leaves no trace of the run', async () => {
    await setItems([[1, 'a', 2]]);
    const good = tree({ ...MODELS, 'assertions/positive.sql': POSITIVE });
    await runTransforms(wh, { dir: good, reference: false });
    const bad = tree({ ...MODELS, 'assertions/positive.sql': POSITIVE, 'marts/mart_kinds.sql': 'select no_such_column from core.kinds' });
    await setItems([[1, 'a', 5]]);
    await expect(runTransforms(wh, { dir: bad, reference: false })).rejects.toThrow(/no_such_column/);
    expect(await wh.rowsJson('select count(distinct run_id) as runs from ops.assertion_results')).toEqual([{ runs: '1' }]);
    expect(await wh.rowsJson('select count(distinct run_id) as runs from ops.transform_runs')).toEqual([{ runs: '1' }]);
    expect(await wh.rowsJson('select total from marts.mart_items_by_kind')).toEqual([{ total: '2' }]);
  });
});

describe('a model materialised as a view', () => {
  const asView = `-- materialized: view\n${MODELS['staging/stg_items.sql']}`;
  const kindOf = async () => (await wh.rowsJson("select table_type from information_schema.tables where table_schema = 'staging' and table_name = 'stg_items'"))[0];

  test('is a view its readers read; its row count is not taken; it may turn into a table and back', async () => {
    await setItems([[1, 'a', 2], [2, 'b', 3]]);
    const run = await runTransforms(wh, { dir: tree(MODELS), reference: false });
    expect(run.models.find((m) => m.model === 'staging.stg_items')?.rows).toBe(2);
    expect(await kindOf()).toEqual({ table_type: 'BASE TABLE' });

    const viewRun = await runTransforms(wh, { dir: tree({ ...MODELS, 'staging/stg_items.sql': asView }), reference: false });
    expect(await kindOf()).toEqual({ table_type: 'VIEW' });
    expect(viewRun.models.find((m) => m.model === 'staging.stg_items')?.rows).toBeNull();
    expect(await wh.rowsJson('select kind, total from marts.mart_items_by_kind order by kind')).toEqual([{ kind: 'a', total: '2' }, { kind: 'b', total: '3' }]);
    await setItems([[1, 'a', 5]]);
    expect(await wh.rowsJson('select count(*)::integer as n from staging.stg_items')).toEqual([{ n: 1 }]);

    await runTransforms(wh, { dir: tree(MODELS), reference: false });
    expect(await kindOf()).toEqual({ table_type: 'BASE TABLE' });
    expect(await wh.rowsJson('select kind, total from marts.mart_items_by_kind')).toEqual([{ kind: 'a', total: '5' }]);
  });

  test('a header other than table or view is refused, and so is a mart as a view; the header counts only at the top', () => {
    expect(() => discoverModels(tree({ 'core/x.sql': '-- materialized: ephemeral\nselect 1' }))).toThrow('must be table or view');
    expect(() => discoverModels(tree({ 'marts/m.sql': '-- materialized: view\nselect 1' }))).toThrow('must be a table, not a view');
    expect(discoverModels(tree({ 'core/x.sql': 'select 1\n-- materialized: view\n' }))[0]!.materialized).toBe('table');
  });
});
