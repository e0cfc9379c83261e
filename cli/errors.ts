// `thongke errors [--period P] [--school CODE] [--out DIR] [--public]`: one error workbook per school
// and period with findings (warehouse/error-workbook.ts), by default into
// $THONGKE_HOME/lake/error-workbooks/<period>/<school>.xlsx. --public masks personal data.
import { parseArgs } from 'node:util';
import { withWarehouse } from '../warehouse/db.js';
import { thongkeHome, warehousePath } from '../warehouse/home.js';
import { writeErrorWorkbooks } from '../warehouse/error-workbook.js';

export async function errorsCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { period: { type: 'string' }, school: { type: 'string' }, out: { type: 'string' }, public: { type: 'boolean' }, json: { type: 'boolean' } } });
  const home = thongkeHome();
  const written = await withWarehouse(warehousePath(home), (wh) => writeErrorWorkbooks(wh, home, {
    period: values.period, school: values.school, outDir: values.out, mask: values.public === true,
  }), { readOnly: true });
  if (values.json) {
    console.log(JSON.stringify(written, null, 2));
    return 0;
  }
  for (const w of written) console.log(`${w.period}  ${w.school}  ${w.findings} lỗi/cảnh báo, ${w.rows} dòng  → ${w.path}`);
  console.log(written.length
    ? `Đã ghi ${written.length} sổ lỗi${values.public ? ' (đã che dữ liệu cá nhân)' : ''}.`
    : `Không có lỗi hay cảnh báo nào${values.period ? ` trong năm học ${values.period}` : ''}${values.school ? ` của trường ${values.school}` : ''}: không ghi sổ lỗi nào.`);
  return 0;
}
