// `thongke publish [--audience bo|so:<province>|analyst]…`: build the static sites from the warehouse.
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { thongkeHome, warehousePath } from '../warehouse/home.js';
import { withWarehouse } from '../warehouse/db.js';
import { parseAudience, publishSites, type Audience, type PublishResult } from '../dashboards/site.js';

/** Build the sites into $THONGKE_HOME/site (read-only on the warehouse). */
export function publish(home: string, audiences?: Audience[]): Promise<PublishResult> {
  return withWarehouse(warehousePath(home), (wh) => publishSites(wh, join(home, 'site'), audiences ? { audiences } : {}), { readOnly: true });
}

export async function publishCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { audience: { type: 'string', multiple: true } } });
  const audiences: Audience[] = [];
  for (const a of values.audience ?? []) {
    const parsed = parseAudience(a);
    if (!parsed) {
      process.stderr.write(`thongke publish: --audience phải là bo, analyst hoặc so:<mã tỉnh 2 chữ số> (không phải "${a}")\n`);
      return 2;
    }
    audiences.push(parsed);
  }
  const result = await publish(thongkeHome(), audiences.length ? audiences : undefined);
  for (const s of result.sites) console.log(`${s.title}: ${join(s.dir, 'index.html')} (${s.pages.length} trang)`);
  console.log(`Trang: ${result.index}`);
  return 0;
}
