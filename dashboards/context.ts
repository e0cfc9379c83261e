// What a site build knows: the warehouse, its tables and columns, the registry, the scope (one
// province for a Sở, none for the Bộ and analysts), the clock, and the files written so far.
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Warehouse } from '../warehouse/db.js';
import type { DimensionSources } from './dimensions.js';
import { publishedSql, type PublishedSql } from './query.js';
import type { Dataset, Registry } from './registry.js';
import type { GeoFeatures } from './charts.js';

export interface ColumnInfo {
  name: string;
  type: string;
}

export interface Catalog extends DimensionSources {
  /** schema.table → its columns, in order */
  columns: Map<string, ColumnInfo[]>;
}

export async function readCatalog(wh: Warehouse): Promise<Catalog> {
  const rows = await wh.rows<{ t: string; c: string; type: string }>(
    `select schema_name || '.' || table_name as t, column_name as c, data_type as type
     from duckdb_columns() where database_name = current_database() order by schema_name, table_name, column_index`,
  );
  const columns = new Map<string, ColumnInfo[]>();
  for (const r of rows) {
    const list = columns.get(r.t) ?? [];
    list.push({ name: r.c, type: r.type });
    columns.set(r.t, list);
  }
  return { columns, tables: new Set(columns.keys()) };
}

export interface SiteContext {
  wh: Warehouse;
  registry: Registry;
  catalog: Catalog;
  /** the province a Sở site is limited to; null = the whole country */
  provinceCode: string | null;
  now: Date;
  /** the audience's site folder being written */
  dir: string;
  /** THONGKE_HOME: the lake's paths in ops.files are relative to it */
  home: string;
}

export function dataset(ctx: SiteContext, id: string): Dataset {
  const ds = ctx.registry.datasets.find((d) => d.id === id);
  if (!ds) throw new Error(`no dataset ${id}`);
  return ds;
}

/** The dataset as this site may publish it, or null when its table is not in the warehouse yet. */
export function published(ctx: SiteContext, ds: Dataset): PublishedSql | null {
  const cols = ctx.catalog.columns.get(ds.table);
  if (!cols) return null;
  if (ctx.provinceCode !== null && ds.schoolColumn === null) return null;
  return publishedSql(ds, cols.map((c) => c.name), ctx.catalog, ctx.provinceCode);
}

export async function writeSiteFile(ctx: SiteContext, path: string, content: string | Uint8Array): Promise<void> {
  const file = join(ctx.dir, path);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, content);
}

const geoFile = fileURLToPath(new URL(import.meta.url.endsWith('/dist/dashboards/context.js') ? '../../reference/geo/provinces_2025.geojson' : '../reference/geo/provinces_2025.geojson', import.meta.url));
let geo: GeoFeatures | undefined;

/** The 34 provinces of 1/7/2025, simplified (reference/geo/). */
export function provinceBoundaries(): GeoFeatures {
  geo ??= JSON.parse(readFileSync(geoFile, 'utf8')) as GeoFeatures;
  return geo;
}

export const assetsDir = fileURLToPath(new URL(import.meta.url.endsWith('/dist/dashboards/context.js') ? '../../dashboards/assets/' : './assets/', import.meta.url));
