// `thongke forms export [--period P] [--unit CODE] [--out DIR]`: the official statistical returns
// regenerated from the warehouse (reports/official-forms.ts).
import { parseArgs } from 'node:util';
import { relative } from 'node:path';
import { thongkeHome } from '../warehouse/home.js';
import { exportOfficialForms, reportingUnitName } from '../reports/official-forms.js';
import { loadGrid } from '../forms/grids.js';

const USAGE = `thongke forms export [--period 2024-2025] [--unit <mã đơn vị>|so-<mã tỉnh>|phong-<mã huyện>] [--out DIR]
  Xuất các biểu mẫu thống kê (TT 24/2018 cho Phòng và Sở trước năm học 2025-2026, TT 25/2024 cho Sở
  từ năm học 2025-2026) từ kho dữ liệu ra Excel, theo mẫu chính thức, mỗi biểu một tệp cho mỗi đơn vị
  báo cáo. Mặc định ghi vào THONGKE_HOME/reports/bieu-mau/<năm học>/<đơn vị>/<biểu>.xlsx.`;

export async function formsCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'export') {
    process.stderr.write(`${sub && sub !== 'help' && sub !== '--help' ? `thongke forms: không có lệnh con "${sub}"\n\n` : ''}${USAGE}\n`);
    return sub === 'help' || sub === '--help' ? 0 : 2;
  }
  const { values } = parseArgs({ args: rest, options: { period: { type: 'string' }, unit: { type: 'string' }, out: { type: 'string' } } });
  if (values.period && !/^\d{4}-\d{4}$/.test(values.period)) {
    process.stderr.write(`thongke forms export: --period phải có dạng 2024-2025 (nhận được "${values.period}")\n`);
    return 2;
  }
  const home = thongkeHome();
  let written;
  try {
    written = await exportOfficialForms(home, { period: values.period, unit: values.unit, out: values.out });
  } catch (e) {
    process.stderr.write(`thongke forms export: ${(e as Error).message}\n`);
    return 1;
  }
  if (!written.length) {
    const which = [values.period && `năm học ${values.period}`, values.unit && `đơn vị ${values.unit}`].filter(Boolean).join(', ');
    process.stderr.write(`thongke forms export: không có biểu nào${which ? ` cho ${which}` : ''} — kho chưa có biểu thống kê nào của trường đã nạp cho đơn vị/năm học này.\n`);
    return 1;
  }
  for (const w of written) {
    const f = w.form;
    console.log(`${f.period}  ${loadGrid(f.form, f.version).symbol.padEnd(12)} ${reportingUnitName(f)} (${f.unitCode}, ${f.schools} trường)  → ${relative(process.cwd(), w.path) || w.path}`);
  }
  console.log(`${written.length} biểu đã xuất.`);
  return 0;
}
