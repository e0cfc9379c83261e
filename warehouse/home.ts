// THONGKE_HOME: the data folder (lake, warehouse file, Temporal database, site). Default ./thongke-data.
import { resolve, join } from 'node:path';

export function thongkeHome(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.THONGKE_HOME ?? 'thongke-data');
}

export function warehousePath(home: string): string {
  return join(home, 'warehouse.duckdb');
}
