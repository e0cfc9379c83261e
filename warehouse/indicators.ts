// The indicator definitions (forms/indicators.json, their one home) as ref.indicators and
// ref.indicator_targets, for marts/mart_indicators.sql; the dashboards read the same file.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Warehouse } from './db.js';
import { formsDir } from '../forms/layout.js';

export interface Indicator {
  code: string;
  name: string;
  numerator: string;
  denominator: string;
  scale: number;
  unit: string;
  definition: string;
  regulation: string;
  targets?: { direction: 'max' | 'min'; by_level: Record<string, number> };
}

export function listIndicators(): Indicator[] {
  return (JSON.parse(readFileSync(join(formsDir, 'indicators.json'), 'utf8')) as { indicators: Indicator[] }).indicators;
}

export async function loadIndicators(wh: Warehouse): Promise<void> {
  const list = listIndicators();
  await wh.run('create schema if not exists ref');
  await wh.run(`create or replace table ref.indicators (code varchar primary key, name varchar not null, numerator varchar not null,
    denominator varchar not null, scale double not null, unit varchar not null, definition varchar not null, regulation varchar not null)`);
  await wh.run('create or replace table ref.indicator_targets (code varchar not null, level_code varchar not null, direction varchar not null, target double not null)');
  for (const i of list) {
    await wh.run('insert into ref.indicators values ($1, $2, $3, $4, $5, $6, $7, $8)', [i.code, i.name, i.numerator, i.denominator, i.scale, i.unit, i.definition, i.regulation]);
    for (const [level, target] of Object.entries(i.targets?.by_level ?? {})) {
      await wh.run('insert into ref.indicator_targets values ($1, $2, $3, $4)', [i.code, level, i.targets!.direction, target]);
    }
  }
}
