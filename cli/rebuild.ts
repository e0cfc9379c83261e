// `thongke rebuild`: the warehouse rebuilt from the lake (warehouse/rebuild.ts), in this process.
// The warehouse worker waits for the file lock meanwhile (an ingest retried by Temporal after it).
import { thongkeHome, warehousePath } from '../warehouse/home.js';
import { withWarehouse } from '../warehouse/db.js';
import { rebuildWarehouse } from '../warehouse/rebuild.js';
import { describeRun } from '../transforms/runner.js';
import { formatInt } from '../dashboards/format.js';

export async function rebuildCommand(): Promise<number> {
  const home = thongkeHome();
  const started = Date.now();
  const r = await withWarehouse(warehousePath(home), (wh) => rebuildWarehouse(wh, home), { waitForLockMs: 300_000 });
  const built = r.run.models.filter((m) => m.status === 'built').length;
  const checks = r.run.assertions.filter((a) => a.status !== 'skipped');
  console.log(`Đã dựng lại kho từ hồ dữ liệu: ${formatInt(r.files)} tệp hiện hành, ${formatInt(r.rows)} dòng; ${built}/${r.run.models.length} mô hình; ${checks.filter((a) => a.status === 'pass').length}/${checks.length} phép kiểm tra đạt (${((Date.now() - started) / 1000).toFixed(1)} giây, lần chạy ${r.run.runId}).`);
  for (const line of describeRun(r.run)) console.log(`  ! ${line}`);
  return r.run.assertions.some((a) => a.status === 'fail' && a.severity === 'error') ? 1 : 0;
}
