// What a batch leaves in the warehouse, as sorted row sets: for tests that run the same inputs two
// ways (a worker killed mid-batch, several workers) and expect the same warehouse.
import { join } from 'node:path';
import { qualified } from '../../warehouse/sql.js';
import { dist } from './dist.js';

/** Rows by table ("ops.files", "raw.hs_danh_sach", "marts.mart_network_report", …). */
export type WarehouseContents = Record<string, Record<string, unknown>[]>;

/**
 * ops.files, ops.rejects and every raw.* and marts.* table of the warehouse in `home`, each sorted.
 * ops.files differs only where it must: `loaded_at` is the clock, left out; `load_seq` becomes
 * `load_rank`, the order the files were loaded in (what supersession and `thongke rebuild`
 * follow): the numbers themselves are a DuckDB sequence, which a load attempt that rolled back and
 * was retried has advanced all the same.
 */
export async function warehouseContents(home: string): Promise<WarehouseContents> {
  const { withWarehouse } = await dist.db();
  return withWarehouse(join(home, 'warehouse.duckdb'), async (wh) => {
    const out: WarehouseContents = {
      'ops.files': await wh.rowsJson(
        'select * exclude (loaded_at, load_seq), row_number() over (order by load_seq) as load_rank from ops.files order by file_sha256'),
      'ops.rejects': await wh.rowsJson('select * from ops.rejects order by all'),
    };
    const tables = await wh.rows<{ s: string; t: string }>(
      "select table_schema as s, table_name as t from information_schema.tables where table_schema in ('raw', 'marts') and table_type = 'BASE TABLE' order by all");
    for (const { s, t } of tables) out[`${s}.${t}`] = await wh.rowsJson(`select * from ${qualified(s, t)} order by all`);
    return out;
  }, { readOnly: true });
}
