// Zip bundles unpacked safely: members by content hash in the lake, every refusal with its reason.
// (Traversal names, zip bombs, corrupt zips and the other bad bundles are kinds in bad-input.test.ts.)
import { describe, expect, test } from 'vitest';
import { createWriteStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import yazl from 'yazl';
import { expandBundle, isBundle, BUNDLE_LIMITS } from '../../workflows/ingest/bundle.js';
import { generateDemoWorld } from '../../fixtures/demo-world.js';
import { tempHome } from '../helpers/env.js';

function zipOf(path: string, members: [string, Buffer | string][], opts: { compress?: boolean } = {}): Promise<void> {
  const z = new yazl.ZipFile();
  for (const [name, data] of members) z.addBuffer(Buffer.isBuffer(data) ? data : Buffer.from(data), name, { compress: opts.compress ?? true, mtime: new Date(Date.UTC(2025, 0, 1)) });
  z.end();
  return new Promise((res, rej) => z.outputStream.pipe(createWriteStream(path)).on('close', () => res()).on('error', rej));
}

describe('bundles', () => {
  test('members land in the lake by content hash; noise is ignored; non-Excel and .xls are refused with a reason', async () => {
    const home = tempHome();
    const world = await generateDemoWorld(join(home, 'in'), { seed: 2 });
    const { readFileSync } = await import('node:fs');
    const zip = join(home, 'Phường Phan Đình Phùng_DanhSachHocSinh.zip');
    await zipOf(zip, [
      ['Trường A_DanhSachHocSinh.xlsx', readFileSync(world.files[0]!)],
      ['thu-muc/Trường B_DanhSachHocSinh.xlsx', readFileSync(world.files[1]!)],
      ['__MACOSX/._Trường A_DanhSachHocSinh.xlsx', 'x'],
      ['Công văn.pdf', '%PDF-1.4'],
      ['Trường C_DanhSachHocSinh.xls', Buffer.from('d0cf11e0a1b11ae1', 'hex')],
    ]);
    expect(await isBundle(zip)).toBe(true);
    expect(await isBundle(world.files[0]!)).toBe(false); // an .xlsx is a zip too, but not a bundle
    const b = await expandBundle(zip, home, 'goi.zip');
    expect(b.members.map((m) => m.name)).toEqual(['goi.zip/Trường A_DanhSachHocSinh.xlsx', 'goi.zip/thu-muc/Trường B_DanhSachHocSinh.xlsx']);
    for (const m of b.members) {
      expect(m.path).toBe(join(home, 'lake', 'raw', `${m.sha256}.xlsx`));
      expect(existsSync(m.path)).toBe(true);
    }
    expect(b.ignored).toBe(1);
    expect(b.problems).toEqual([
      { name: 'goi.zip/Công văn.pdf', reason: 'không phải tệp Excel (.xlsx) nên không được nạp (đuôi .pdf)' },
      { name: 'goi.zip/Trường C_DanhSachHocSinh.xls', reason: 'là tệp Excel 97–2003 (.xls); hãy mở bằng Excel, lưu lại dạng .xlsx rồi gửi lại' },
    ]);
  });

  test('nested zips are opened up to the depth limit', async () => {
    const home = tempHome();
    const world = await generateDemoWorld(join(home, 'in'), { seed: 2 });
    const { readFileSync } = await import('node:fs');
    const inner = join(home, 'inner.zip');
    await zipOf(inner, [['Trường A.xlsx', readFileSync(world.files[0]!)]]);
    const deeper = join(home, 'deeper.zip');
    await zipOf(deeper, [['inner.zip', readFileSync(inner)]]);
    const outer = join(home, 'outer.zip');
    await zipOf(outer, [['deeper.zip', readFileSync(deeper)], ['inner.zip', readFileSync(inner)]]);
    const b = await expandBundle(outer, home, 'outer.zip');
    expect(b.members.map((m) => m.name)).toEqual(['outer.zip/inner.zip/Trường A.xlsx']);
    expect(b.problems).toEqual([{ name: 'outer.zip/deeper.zip/inner.zip', reason: `tệp nén lồng quá ${BUNDLE_LIMITS.maxDepth} tầng, không mở tiếp` }]);
  });
});
