import { describe, expect, test } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discoverModels, orderModels, materialiseSql, type Model } from '../../transforms/runner.js';

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'transforms-'));
  for (const [path, sql] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), sql);
  }
  return dir;
}

describe('transform runner', () => {
  test('references order the models, comments do not count', () => {
    const dir = tree({
      'marts/b.sql': 'select * from core.a -- not staging.z',
      'core/a.sql': 'select * from staging.s',
      'staging/s.sql': '-- marts.b is downstream\nselect 1 as x',
    });
    const order = orderModels(discoverModels(dir)).map((m) => `${m.layer}.${m.name}`);
    expect(order).toEqual(['staging.s', 'core.a', 'marts.b']);
  });
  test('a core model may read a later-sorted core model', () => {
    const dir = tree({ 'core/a.sql': 'select * from core.b', 'core/b.sql': 'select 1' });
    expect(orderModels(discoverModels(dir)).map((m) => m.name)).toEqual(['b', 'a']);
  });
  test('cycles are refused', () => {
    const dir = tree({ 'core/a.sql': 'select * from core.b', 'core/b.sql': 'select * from core.a' });
    expect(() => orderModels(discoverModels(dir))).toThrow('transforms: a cycle between core.a, core.b');
  });
  test('materialised as a table in the folder schema: exact SQL', () => {
    const m: Model = { layer: 'marts', name: 'm', sql: 'select 1 as x;\n', dependsOn: [] };
    expect(materialiseSql(m)).toBe('create or replace table "marts"."m" as\nselect 1 as x');
  });
  test('the project models all resolve', () => {
    const models = orderModels(discoverModels());
    expect(models.map((m) => `${m.layer}.${m.name}`)).toContain('marts.mart_pupils_by_school_grade');
  });
});
